import { spawn, type ChildProcess } from 'node:child_process';
import { OutputCap } from './output-cap.js';

/**
 * Runs a program detached in its own process group, so a timeout or a cancel reaches every
 * process it forked: SIGTERM to the group, then SIGKILL after a grace period.
 */
export interface GroupRunOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  graceMs?: number;
  /**
   * How long the output pipes may stay open after the program exited. A grandchild that left the
   * group (`setsid`) can hold them forever; the run ends when the program does. Default 1 s.
   */
  pipeGraceMs?: number;
  signal?: AbortSignal;
  headChars?: number;
  tailChars?: number;
  /** Every output chunk as it arrives (stdout and stderr interleaved). */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Called once the group exists, with its id (= the leader's pid). */
  onStart?: (pgid: number) => void;
}

export interface GroupRunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  output: string;
  /** Set when the program could not be started at all. */
  spawnError?: string;
}

export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}

/** SIGTERM the group now, SIGKILL it after `graceMs` unless `exited` settles first. */
export function terminateGroup(pgid: number, graceMs: number, exited: Promise<unknown>): void {
  killGroup(pgid, 'SIGTERM');
  const timer = setTimeout(() => killGroup(pgid, 'SIGKILL'), graceMs);
  void exited.finally(() => {
    clearTimeout(timer);
    // The leader exited; stragglers that ignored SIGTERM still die with the group.
    killGroup(pgid, 'SIGKILL');
  });
}

export function runInGroup(file: string, args: string[], options: GroupRunOptions): Promise<GroupRunResult> {
  const cap = new OutputCap(options.headChars ?? 8_000, options.tailChars ?? 12_000);
  return new Promise((resolvePromise) => {
    let child: ChildProcess;
    let timedOut = false;
    let cancelled = false;
    let stopping = false;
    let spawnError: string | undefined;
    try {
      child = spawn(file, args, {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      resolvePromise({
        exitCode: null,
        signal: null,
        timedOut,
        cancelled,
        output: '',
        spawnError: (error as Error).message,
      });
      return;
    }
    let settled = false;
    let pipeTimer: NodeJS.Timeout | undefined;
    const settle = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(pipeTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolvePromise({ exitCode, signal, timedOut, cancelled, output: cap.toString(), spawnError });
    };
    const exited = new Promise<void>((resolveExit) =>
      child.once('exit', (exitCode, signal) => {
        resolveExit();
        pipeTimer = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          settle(exitCode, signal);
        }, options.pipeGraceMs ?? 1_000);
      }),
    );
    // Background processes the command left behind are not the agent's to keep (and hold its pipes).
    void exited.then(() => {
      if (child.pid !== undefined && !stopping) killGroup(child.pid, 'SIGKILL');
    });
    const stop = (): void => {
      if (stopping || child.pid === undefined) return;
      stopping = true;
      terminateGroup(child.pid, options.graceMs ?? 2_000, exited);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = (): void => {
      cancelled = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (child.pid !== undefined) options.onStart?.(child.pid);
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]?.setEncoding('utf8');
      child[stream]?.on('data', (chunk: string) => {
        cap.push(chunk);
        options.onOutput?.(chunk, stream);
      });
    }
    child.once('error', (error) => {
      spawnError = error.message;
      if (child.pid === undefined) {
        clearTimeout(timer);
        resolvePromise({ exitCode: null, signal: null, timedOut, cancelled, output: '', spawnError });
      }
    });
    child.once('close', (exitCode, signal) => settle(exitCode, signal));
  });
}
