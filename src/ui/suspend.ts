import { spawn } from 'node:child_process';

/** Ink's `useApp().suspendTerminal` callback form. */
export type SuspendTerminal = (callback: () => void | Promise<void>) => Promise<void>;

export interface SuspendedRun {
  command: string;
  args?: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const forwarded = ['SIGINT', 'SIGQUIT', 'SIGTSTP'] as const;

/**
 * Hands the terminal to a program (`$SHELL`, `$EDITOR`) until it exits, then gives it back to Ink,
 * which redraws the frame exactly. Resolves with the program's exit code (null when killed).
 */
export async function runSuspended(
  suspend: SuspendTerminal,
  run: SuspendedRun,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number | null> {
  let code: number | null = null;
  // Ctrl-C in the shell reaches our process group too; it belongs to the child, not to the TUI.
  const ignore = (): void => undefined;
  await suspend(async () => {
    for (const signal of forwarded) process.on(signal, ignore);
    const release = stopReading(stdin);
    try {
      code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(run.command, run.args ?? [], { cwd: run.cwd, env: run.env, stdio: 'inherit' });
        child.once('error', reject);
        child.once('exit', (exitCode) => resolve(exitCode));
      });
    } finally {
      release();
      for (const signal of forwarded) process.off(signal, ignore);
    }
  });
  return code;
}

interface TtyHandle {
  reading?: boolean;
  readStop?: () => number;
  readStart?: () => number;
}

/**
 * A paused TTY stream may still read the terminal underneath: it would steal the child's keys,
 * and once a shell takes the foreground the read fails with EIO and kills stdin for good. So the
 * handle stops reading, and any attempt to restart it waits until the child is done.
 */
function stopReading(stdin: NodeJS.ReadableStream): () => void {
  const handle = (stdin as unknown as { _handle?: TtyHandle })._handle;
  const readStart = handle?.readStart;
  if (!handle || typeof readStart !== 'function' || typeof handle.readStop !== 'function')
    return () => undefined;
  if (handle.reading) handle.readStop();
  const shadowed = Object.hasOwn(handle, 'readStart');
  handle.readStart = () => 0;
  return () => {
    if (shadowed) handle.readStart = readStart;
    else delete handle.readStart;
    // Node marks the handle as reading before it calls readStart: honour what it asked for meanwhile.
    if (handle.reading) readStart.call(handle);
  };
}

/** `$SHELL` in an agent's worktree, with the MAESTRO_* variables a user's prompt or scripts may show. */
export function shellRun(
  env: NodeJS.ProcessEnv,
  target: { runId: string; taskId: string; worktree: string },
): SuspendedRun {
  return {
    command: env.SHELL || '/bin/sh',
    cwd: target.worktree,
    env: {
      ...env,
      MAESTRO_RUN_ID: target.runId,
      MAESTRO_TASK_ID: target.taskId,
      MAESTRO_WORKTREE: target.worktree,
    },
  };
}

/** `$VISUAL`/`$EDITOR` on a file (conflict review's `e`). */
export function editorRun(env: NodeJS.ProcessEnv, file: string, cwd: string): SuspendedRun {
  const editor = env.VISUAL || env.EDITOR || 'vi';
  // EDITOR may carry flags ("code -w"); split on spaces, never through a shell.
  const [command = 'vi', ...flags] = editor.trim().split(/\s+/);
  return { command, args: [...flags, file], cwd, env };
}
