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

export async function startToolHost(options: StartHostOptions): Promise<ToolHost> {
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
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      // Commands the host could not clean up (it crashed or was killed) die here.
      for (const pgid of groups) killGroup(pgid, 'SIGKILL');
      const why = new HostExitedError(
        `the agent's tool process exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`,
      );
      for (const call of pending.values()) call.reject(why);
      pending.clear();
      resolve();
    }),
  );
  const send = (message: ToHost): void => {
    if (!exited && child.connected) child.send(message);
  };

  await waitReady(child, options, () => stderr);
  child.on('message', (message: FromHost) => {
    if (message.type === 'command_started') groups.add(message.pgid);
    else if (message.type === 'command_ended') groups.delete(message.pgid);
    else if (message.type === 'result') {
      pending.get(message.id)?.resolve(message.outcome);
      pending.delete(message.id);
    }
  });

  let nextId = 1;
  return {
    pid: child.pid ?? -1,
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
    async close() {
      if (exited) return;
      send({ type: 'shutdown' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

function waitReady(child: ChildProcess, options: StartHostOptions, stderr: () => string): Promise<void> {
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
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`the agent's tool process did not start within ${options.readyTimeoutMs ?? 20_000} ms`),
      );
    }, options.readyTimeoutMs ?? 20_000);
    const onMessage = (message: FromHost): void => {
      if (message.type !== 'ready' && message.type !== 'init_failed') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
      if (message.type === 'ready') resolve();
      else {
        child.kill('SIGKILL');
        reject(new Error(`the agent's tool process could not start: ${message.message}`));
      }
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`the agent's tool process exited at start (code ${code}): ${stderr().trim()}`));
    };
    const onError = (error: Error): void => {
      clearTimeout(timer);
      reject(new Error(`the agent's tool process could not start in ${options.worktree}: ${error.message}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
    if (child.connected) child.send({ type: 'init', settings } satisfies ToHost);
  });
}
