import { randomUUID } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MaestroError } from '../errors.js';
import { pidAlive, type PidCheck } from './locks.js';
import { GitError, gitLine } from './runner.js';

/**
 * `git worktree add` writes `.git/worktrees/<name>/` file by file (`locked`, `gitdir`, `HEAD`,
 * `commondir`, each created empty and then filled). Any git command that looks at every worktree
 * meanwhile — another `worktree add`, `worktree list`, `lock`, `unlock`, `remove` — reads the
 * half-made folder and dies with `failed to read .git/worktrees/<name>/commondir` (measured with
 * git 2.39: two processes adding 60 worktrees each fail 1–3 adds a run; an add beside a `worktree
 * list` loop fails lists the same way). So maestro's adds (and the removal of admin folders that
 * look half-made) take this lock in the repository's common dir: maestro's adds never meet each
 * other; readers retry instead (`retryAdminRace`), since the window is microseconds long.
 */
export const ADMIN_LOCK_NAME = 'maestro-worktrees.lock';

export interface AdminLockOptions {
  /** How long to wait for a live holder before giving up; default 2 minutes. */
  waitMs?: number;
  alive?: PidCheck;
}

/** The repository's common git dir (where `worktrees/` lives), absolute. */
export async function commonDirOf(repo: string): Promise<string> {
  return gitLine(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repo });
}

/**
 * Runs `work` holding the worktree lock of the repository whose common dir is `commonDir`. The
 * lock file holds `<pid> <token>`; a holder whose pid is dead is taken over, a live one is waited
 * for at most `waitMs`, then a clear error. Uncontended it costs a write, a link and two unlinks.
 */
export async function withWorktreeAdminLock<T>(
  commonDir: string,
  work: () => Promise<T>,
  options: AdminLockOptions = {},
): Promise<T> {
  const file = join(commonDir, ADMIN_LOCK_NAME);
  const content = `${process.pid} ${randomUUID()}\n`;
  await acquire(file, content, options);
  try {
    return await work();
  } finally {
    await release(file, content);
  }
}

async function acquire(file: string, content: string, options: AdminLockOptions): Promise<void> {
  const alive = options.alive ?? pidAlive;
  const waitMs = options.waitMs ?? 120_000;
  const deadline = Date.now() + waitMs;
  // Written whole under a private name, then linked into place: nobody ever reads a half-written lock.
  const draft = `${file}.${randomUUID()}`;
  await writeFile(draft, content, { mode: 0o600 });
  try {
    let delay = 2;
    for (;;) {
      try {
        await link(draft, file);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      // null: released between our link and our read (or unreadable: then the deadline ends it).
      const holder = await readFile(file, 'utf8').catch(() => null);
      const pid = holder === null ? null : holderPid(holder);
      if (holder !== null && (pid === null || !alive(pid))) {
        await takeOver(file, holder);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new MaestroError(
          `Another maestro process (pid ${pid ?? 'unknown'}) has been changing this repository's worktrees for over ` +
            `${waitMs >= 1000 ? `${Math.round(waitMs / 1000)} s` : `${waitMs} ms`} (lock ${file}); wait for it, or delete ` +
            'that file if that process is not maestro.',
        );
      }
      if (holder === null) continue;
      await sleep(delay);
      delay = Math.min(delay * 2, 50);
    }
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/**
 * Moves a dead holder's lock aside under a private name (one process wins that rename) and deletes
 * it only if it still is the lock that was judged dead; a live lock moved by mistake (a new holder
 * linked it between our read and our rename) is linked back.
 */
async function takeOver(file: string, stale: string): Promise<void> {
  const aside = `${file}.stale-${randomUUID()}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => null);
  if (moved !== null && moved !== stale) await link(aside, file).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/** Only our own lock is removed: a holder that took a lock over by mistake keeps its own. */
async function release(file: string, content: string): Promise<void> {
  const holder = await readFile(file, 'utf8').catch(() => null);
  if (holder === content) await unlink(file).catch(() => undefined);
}

function holderPid(holder: string): number | null {
  const match = /^(\d+) /.exec(holder);
  return match?.[1] ? Number(match[1]) : null;
}

const adminRace = /failed to read .*worktrees\/[^/\s]+\/commondir/;

/** Whether a git failure is the half-made-admin-folder race (see the top of this file). */
export function isAdminRace(error: unknown): boolean {
  return error instanceof GitError && adminRace.test(error.stderr);
}

/**
 * Runs a worktree command that reads every worktree's admin folder and dies before changing
 * anything when it meets a half-made one (`list`, `lock`, `unlock`, `remove`, `switch`): on that race it
 * is run again, a few times, after a short pause. A call that accepts exit 128 (`okExitCodes`)
 * returns the race instead of throwing it; that is retried too.
 */
export async function retryAdminRace<T>(command: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await command();
      if (attempt >= attempts || !isRaceResult(result)) return result;
    } catch (error) {
      if (attempt >= attempts || !isAdminRace(error)) throw error;
    }
    await sleep(attempt * 5);
  }
}

function isRaceResult(result: unknown): boolean {
  if (typeof result !== 'object' || result === null) return false;
  const { exitCode, stderr } = result as { exitCode?: unknown; stderr?: unknown };
  return exitCode !== 0 && typeof stderr === 'string' && adminRace.test(stderr);
}
