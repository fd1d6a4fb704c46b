import { access, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { gitLine } from './runner.js';

/**
 * maestro's replacement for `git worktree prune`, which forgets *every* worktree whose folder is
 * missing — a user's worktree on an unmounted drive loses its admin folder and staged index that
 * way. Only admin folders whose worktree path `isOurs` accepts are ever looked at, and only those
 * whose folder is gone (and that nobody locked) are removed.
 */
export async function forgetMissingWorktrees(
  repo: string,
  isOurs: (worktreePath: string) => boolean,
): Promise<string[]> {
  const admin = join(await commonDirOf(repo), 'worktrees');
  const forgotten: string[] = [];
  for (const entry of await readAdminEntries(admin)) {
    if (entry.path === null || !isOurs(entry.path)) continue;
    if (entry.locked || (await exists(entry.path))) continue;
    await rm(entry.dir, { recursive: true, force: true });
    forgotten.push(entry.path);
  }
  return forgotten;
}

/**
 * Admin folders a `kill -9` during `git worktree add` left without `commondir` or `HEAD` (git then
 * fails every later worktree command). Only maestro's own (`gitdir` names a path `isOurs` accepts)
 * and those without any `gitdir` (no worktree can work without it) are removed: no agent ever ran
 * in an incomplete worktree. Returns the admin folders' names.
 */
export async function removeIncompleteWorktreeAdmin(
  repo: string,
  isOurs: (worktreePath: string) => boolean,
): Promise<string[]> {
  const admin = join(await commonDirOf(repo), 'worktrees');
  const removed: string[] = [];
  for (const entry of await readAdminEntries(admin)) {
    if (entry.path !== null && !isOurs(entry.path)) continue;
    const complete = await Promise.all(
      ['gitdir', 'commondir', 'HEAD'].map((file) => exists(join(entry.dir, file))),
    );
    if (complete.every(Boolean)) continue;
    await rm(entry.dir, { recursive: true, force: true });
    removed.push(basename(entry.dir));
  }
  return removed;
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

async function commonDirOf(repo: string): Promise<string> {
  return gitLine(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repo });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
