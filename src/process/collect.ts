import { spawn } from 'node:child_process';

/** One short-lived program run to completion with its output collected (what git calls are). */
export interface CollectSpec {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  input?: string | Uint8Array;
  timeoutMs: number;
  /** stdout beyond this many bytes ends the program. */
  maxBuffer: number;
}

export interface Collected {
  /** False when the program never started (e.g. not found): `failure` says why. */
  started: boolean;
  /** The exit code; null when a signal ended it. */
  code: number | null;
  /** Why maestro ended it (time limit, abort, output limit), or why it could not start. */
  failure: string | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
}

/**
 * Plain `child_process.spawn`, in its own process group, so a time limit or an abort also ends the
 * programs it started; once it exited, pipes a detached grandchild still holds get one second.
 */
export function collectProcess(spec: CollectSpec, signal?: AbortSignal): Promise<Collected> {
  return new Promise((resolve) => {
    const child = spawn(spec.file, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: [spec.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let failure: string | null = null;
    let settled = false;
    const killGroup = (why: string): void => {
      failure ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(
      () => killGroup(`timed out after ${Math.round(spec.timeoutMs / 1000)} s`),
      spec.timeoutMs,
    );
    const onAbort = (): void => killGroup('aborted');
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let pipeTimer: NodeJS.Timeout | undefined;
    const finish = (code: number | null, started = true): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(pipeTimer);
      signal?.removeEventListener('abort', onAbort);
      resolve({ started, code, failure, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) });
    };
    child.once('exit', (code) => {
      pipeTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(code);
      }, 1_000);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > spec.maxBuffer) killGroup('output exceeded the buffer limit');
      else stdout.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      failure = error.message;
      // A program that never started emits no 'close'.
      if (child.pid === undefined) finish(null, false);
    });
    if (child.stdin) {
      // The program may exit before reading all input (e.g. on a usage error): the exit code tells.
      child.stdin.on('error', () => undefined);
      child.stdin.end(spec.input);
    }
    child.on('close', (code) => finish(code));
  });
}
