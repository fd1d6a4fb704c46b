import { randomUUID } from 'node:crypto';
import { access, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { commonDirOf, withWorktreeAdminLock } from './worktree-admin-lock.js';

/**
 * maestro's replacement for `git worktree prune`, which forgets *every* worktree whose folder is
 * missing — a user's worktree on an unmounted drive loses its admin folder and staged index that
 * way. Only admin folders whose worktree path `isOurs` accepts are ever looked at, and only those
 * whose folder is gone (and that nobody locked) are removed (see `removeAdminFolder`).
 */
export async function forgetMissingWorktrees(
  repo: string,
  isOurs: (worktreePath: string) => boolean,
): Promise<string[]> {
  const common = await commonDirOf(repo);
  const forgotten: string[] = [];
  for (const entry of await readAdminEntries(join(common, 'worktrees'))) {
    if (entry.path === null || !isOurs(entry.path)) continue;
    if (entry.locked || (await exists(entry.path))) continue;
    await removeAdminFolder(common, entry.dir);
    forgotten.push(entry.path);
  }
  return forgotten;
}

/**
 * Admin folders a `kill -9` during `git worktree add` left without `commondir` or `HEAD`, or with
 * one of them still empty (git then fails every later worktree command). Only maestro's own (`gitdir` names a path `isOurs` accepts)
 * and those without any `gitdir` (no worktree can work without it) are removed: no agent ever ran
 * in an incomplete worktree. Returns the admin folders' names. It holds the worktree lock
 * (`withWorktreeAdminLock`): another maestro's `worktree add` in progress looks just like a killed one.
 */
export async function removeIncompleteWorktreeAdmin(
  repo: string,
  isOurs: (worktreePath: string) => boolean,
): Promise<string[]> {
  const common = await commonDirOf(repo);
  return withWorktreeAdminLock(common, async () => {
    const removed: string[] = [];
    for (const entry of await readAdminEntries(join(common, 'worktrees'))) {
      if (entry.path !== null && !isOurs(entry.path)) continue;
      const complete = await Promise.all(
        ['gitdir', 'commondir', 'HEAD'].map((file) => nonEmpty(join(entry.dir, file))),
      );
      if (complete.every(Boolean)) continue;
      await removeAdminFolder(common, entry.dir);
      removed.push(basename(entry.dir));
    }
    return removed;
  });
}

/**
 * Out of `worktrees/` in one rename, then deleted: a git command of another process reading the
 * worktrees meanwhile sees the folder whole or not at all (a folder losing its files one by one
 * makes it die on the missing `commondir`).
 */
async function removeAdminFolder(common: string, dir: string): Promise<void> {
  const aside = join(common, `maestro-forgotten-${randomUUID()}`);
  try {
    await rename(dir, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
}

async function nonEmpty(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.size > 0,
    () => false,
  );
}

interface AdminEntry {
  dir: string;
  /** The worktree's folder, from `gitdir` (`<worktree>/.git`); `null` when unreadable. */
  path: string | null;
  locked: boolean;
}

async function readAdminEntries(admin: string): Promise<AdminEntry[]> {
  const names = await readdir(admin).catch(() => [] as string[]);
  return Promise.all(
    names.map(async (name) => {
      const dir = join(admin, name);
      const gitdir = await readFile(join(dir, 'gitdir'), 'utf8').catch(() => null);
      const path = gitdir === null || gitdir.trim() === '' ? null : dirname(resolve(dir, gitdir.trim()));
      return { dir, path, locked: await exists(join(dir, 'locked')) };
    }),
  );
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
