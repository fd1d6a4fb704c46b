import { launchDetached } from '../process/detached.js';
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
    let pid: number | undefined;
    let timedOut = false;
    let cancelled = false;
    let stopping = false;
    let spawnError: string | undefined;
    let settled = false;
    let resolveExit = (): void => undefined;
    const exited = new Promise<void>((resolve) => (resolveExit = resolve));
    const settle = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolvePromise({ exitCode, signal, timedOut, cancelled, output: cap.toString(), spawnError });
    };
    // Asked before the program started: the group is ended as soon as it exists.
    let stopAsked = false;
    const stop = (): void => {
      stopAsked = true;
      if (stopping || pid === undefined) return;
      stopping = true;
      terminateGroup(pid, options.graceMs ?? 2_000, exited);
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
    launchDetached(
      { file, args, cwd: options.cwd, env: options.env, pipeGraceMs: options.pipeGraceMs ?? 1_000 },
      {
        spawned: (started) => {
          pid = started;
          options.onStart?.(started);
          if (stopAsked) stop();
        },
        output: (chunk, stream) => {
          cap.push(chunk);
          options.onOutput?.(chunk, stream);
        },
        exited: () => {
          resolveExit();
          // Background processes the command left behind are not the agent's to keep (and hold its pipes).
          if (pid !== undefined && !stopping) killGroup(pid, 'SIGKILL');
        },
        ended: (exitCode, signal) => {
          resolveExit();
          settle(exitCode, signal);
        },
        failed: (message) => {
          spawnError = message;
          // Started, then lost (its spawn host died): the group goes; `ended` follows.
          if (pid !== undefined) killGroup(pid, 'SIGKILL');
          else settle(null, null);
        },
      },
    );
  });
}
