import { spawn } from 'node:child_process';

/** A long-running program in its own process group whose output streams back (agents, validation). */
export interface DetachedSpec {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /**
   * How long the output pipes may stay open after the program exited (a grandchild that left the
   * group can hold them forever); then they are closed and the run ends.
   */
  pipeGraceMs: number;
}

/** What becomes of a detached program, in this order: spawned, output…, exited, ended; or failed. */
export interface DetachedEvents {
  /** Started: `pid` is also its process group's id (signals go to the group, from any process). */
  spawned(pid: number): void;
  output(chunk: string, stream: 'stdout' | 'stderr'): void;
  exited(code: number | null, signal: NodeJS.Signals | null): void;
  /** Its pipes are closed: nothing more comes. */
  ended(code: number | null, signal: NodeJS.Signals | null): void;
  /** It could not be started (nothing else comes), or it can no longer be followed (`ended` follows). */
  failed(message: string): void;
}

export type DetachedLauncher = (spec: DetachedSpec, events: DetachedEvents) => void;

/** `child_process.spawn`, detached (its own session and process group), stdin closed. */
export function spawnDetached(spec: DetachedSpec, events: DetachedEvents): void {
  let child;
  try {
    child = spawn(spec.file, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    events.failed(error instanceof Error ? error.message : String(error));
    return;
  }
  let ended = false;
  let pipeTimer: NodeJS.Timeout | undefined;
  const end = (code: number | null, signal: NodeJS.Signals | null): void => {
    if (ended) return;
    ended = true;
    clearTimeout(pipeTimer);
    events.ended(code, signal);
  };
  child.once('error', (error) => {
    // A program that never started emits no 'close'.
    if (child.pid === undefined && !ended) {
      ended = true;
      events.failed(error.message);
    }
  });
  if (child.pid === undefined) return;
  events.spawned(child.pid);
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].setEncoding('utf8');
    child[stream].on('data', (chunk: string) => events.output(chunk, stream));
  }
  child.once('exit', (code, signal) => {
    events.exited(code, signal);
    pipeTimer = setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
      end(code, signal);
    }, spec.pipeGraceMs);
  });
  child.once('close', (code: number | null, signal: NodeJS.Signals | null) => end(code, signal));
}

// Process-wide on purpose, like git's launcher (`launchGitThrough`): what a fork costs belongs to
// this process (its size), not to any one caller.
let launcher: DetachedLauncher = spawnDetached;

/** Starts a detached program the way this process does now (directly, or through its spawn host). */
export function launchDetached(spec: DetachedSpec, events: DetachedEvents): void {
  launcher(spec, events);
}

/** From now on detached programs start through `next`; the returned function restores the previous way. */
export function launchDetachedThrough(next: DetachedLauncher): () => void {
  const previous = launcher;
  launcher = next;
  return () => {
    launcher = previous;
  };
}
