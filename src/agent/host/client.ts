import { fork, type ChildProcess } from 'node:child_process';
import { childEntry } from '../../process/child-entry.js';
import { killGroup } from '../../sandbox/process-group.js';
import type { ToolOutcome } from '../tools/context.js';
import type { HostToolName } from '../tools/schemas.js';
import type { FromHost, HostSettings, ToHost } from './protocol.js';

/** The orchestrator's handle on one agent's host process: call tools in its worktree, then close it. */
export interface ToolHost {
  readonly pid: number;
  /** A built-in worktree tool, or a plugin tool the host was started with. */
  call(name: HostToolName | (string & {}), args: unknown, signal?: AbortSignal): Promise<ToolOutcome>;
  /** Cancels running commands (their process groups die), then ends the host. */
  close(): Promise<void>;
}

export interface StartHostOptions extends HostSettings {
  /** The host's whole environment; pass it through `scrubEnv` first. */
  env: Record<string, string>;
  readyTimeoutMs?: number;
}

/** The tool host's entry (see `childEntry`). */
export function hostEntry(): { entry: string; execArgv: string[] } {
  return childEntry(import.meta.url, 'main', hostV8Flags);
}

/**
 * A host waits on IPC and the filesystem; its JavaScript is never hot. V8's lite mode (no
 * optimising compiler, lazy feedback) takes a host from ~65 to ~52 MB resident (bench/scale, 50
 * hosts at once): https://v8.dev/blog/v8-lite
 */
const hostV8Flags = ['--lite-mode'];

export class HostExitedError extends Error {}

/** A host that can serve one task after another (see `ToolHostPool`). */
export interface ReusableToolHost extends ToolHost {
  /** False once the process exited. */
  readonly alive: boolean;
  /** The task is over: its calls are cancelled. True when none was left running and the host can serve another. */
  quiesce(): Promise<boolean>;
  /** Sets the host up for another task's worktree, as a start does; call after `quiesce` said true. */
  reinit(options: StartHostOptions): Promise<void>;
}

type Control = Extract<FromHost, { type: 'ready' | 'init_failed' | 'idle' }>;

export async function startToolHost(options: StartHostOptions): Promise<ReusableToolHost> {
  const { entry, execArgv } = hostEntry();
  const child = fork(entry, [], {
    cwd: options.worktree,
    env: options.env,
    execPath: process.execPath,
    execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  // IPC errors (a send racing the host's exit) surface as 'exit' below; unheard they would crash us.
  child.on('error', (error) => {
    stderr = `${stderr}\n${error.message}`.slice(-4_000);
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  const pending = new Map<number, { resolve: (o: ToolOutcome) => void; reject: (e: Error) => void }>();
  const groups = new Set<number>();
  /** Whoever waits for the host's next answer to an init or a reset (one at a time). */
  let control: ((message: Control) => void) | undefined;
  let exited = false;
  /** Resolves with how the process ended. */
  const exit = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      // Commands the host could not clean up (it crashed or was killed) die here.
      for (const pgid of groups) killGroup(pgid, 'SIGKILL');
      const why = new HostExitedError(
        `the agent's tool process exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`,
      );
      for (const call of pending.values()) call.reject(why);
      pending.clear();
      resolve(signal ?? `code ${code}`);
    }),
  );
  const send = (message: ToHost): void => {
    if (!exited && child.connected) child.send(message);
  };
  child.on('message', (message: FromHost) => {
    if (message.type === 'command_started') groups.add(message.pgid);
    else if (message.type === 'command_ended') groups.delete(message.pgid);
    else if (message.type === 'result') {
      pending.get(message.id)?.resolve(message.outcome);
      pending.delete(message.id);
    } else control?.(message);
  });
  const init = (settings: StartHostOptions): Promise<void> =>
    initialize(settings, { child, send, exit, stderr: () => stderr }, (waiter) => (control = waiter)).catch(
      (error: unknown) => {
        child.kill('SIGKILL');
        throw error;
      },
    );

  await init(options);
  let nextId = 1;
  return {
    pid: child.pid ?? -1,
    get alive() {
      return !exited;
    },
    call(name, args, signal) {
      if (exited) return Promise.reject(new HostExitedError("the agent's tool process is not running"));
      const id = nextId++;
      return new Promise<ToolOutcome>((resolve, reject) => {
        const onAbort = (): void => send({ type: 'cancel', id });
        signal?.addEventListener('abort', onAbort, { once: true });
        const done = (): void => signal?.removeEventListener('abort', onAbort);
        pending.set(id, {
          resolve: (o) => (done(), resolve(o)),
          reject: (e) => (done(), reject(e)),
        });
        send({ type: 'call', id, name, args });
        if (signal?.aborted) onAbort();
      });
    },
    async quiesce() {
      if (exited) return false;
      const idle = await new Promise<Control | null>((resolve) => {
        // A host that does not answer (its event loop stuck in a plugin tool) is killed, as close would.
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(null);
        }, 8_000);
        control = (message) => (clearTimeout(timer), resolve(message));
        void exit.then(() => (clearTimeout(timer), resolve(null)));
        send({ type: 'reset' });
      });
      control = undefined;
      // A command whose process group outlived the grace period: the host is not given to another task.
      return idle?.type === 'idle' && idle.clean && groups.size === 0 && pending.size === 0;
    },
    reinit: init,
    async close() {
      if (exited) return;
      send({ type: 'shutdown' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

interface HostProcess {
  child: ChildProcess;
  send: (message: ToHost) => void;
  exit: Promise<string>;
  stderr: () => string;
}

/** Sends `init` and waits for `ready`; a refusal, a failed spawn, an exit or the time limit rejects. */
function initialize(
  options: StartHostOptions,
  host: HostProcess,
  listen: (waiter: ((message: Control) => void) | undefined) => void,
): Promise<void> {
  const settings: HostSettings = {
    worktree: options.worktree,
    excludePaths: options.excludePaths,
    allowedCommands: options.allowedCommands,
    commandTimeoutMs: options.commandTimeoutMs,
    confinement: options.confinement,

    maxWriteBytes: options.maxWriteBytes,
    allowSecretFiles: options.allowSecretFiles,
    ...(options.pluginTools && { pluginTools: options.pluginTools }),
  };
  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const onError = (error: Error): void =>
      settle(new Error(`the agent's tool process could not start in ${options.worktree}: ${error.message}`));
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      listen(undefined);
      host.child.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    host.child.once('error', onError);
    const timer = setTimeout(
      () => settle(new Error(`the agent's tool process did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    listen((message) => {
      if (message.type === 'ready') settle();
      else if (message.type === 'init_failed')
        settle(new Error(`the agent's tool process could not start: ${message.message}`));
    });
    void host.exit.then((how) =>
      settle(new Error(`the agent's tool process exited at start (${how}): ${host.stderr().trim()}`)),
    );
    host.send({ type: 'init', settings } satisfies ToHost);
  });
}
