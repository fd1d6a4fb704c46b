import { readdir, rename, rm, mkdir, access } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from '../git/runner.js';
import { trashDir } from '../git/worktree-paths.js';

/**
 * A `kill -9` during `git worktree add` can leave an admin folder (`<common>/worktrees/<name>`)
 * without its `commondir`, `gitdir` or `HEAD`; git then fails every later worktree command. No
 * agent ever ran in such a worktree (it was never complete), so its admin folder is removed and
 * git's own prune tidies the rest.
 */
export async function repairWorktreeAdmin(repo: string, commonDir: string): Promise<string[]> {
  const admin = join(commonDir, 'worktrees');
  const names = await readdir(admin).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const dir = join(admin, name);
    const complete = await Promise.all(
      ['commondir', 'gitdir', 'HEAD'].map((file) => exists(join(dir, file))),
    );
    if (complete.every(Boolean)) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(name);
  }
  await git(['worktree', 'prune'], { cwd: repo });
  return removed;
}

/** A folder at a task's worktree path that git does not know as a worktree: moved aside, never deleted. */
export async function moveAsideStrayFolder(root: string, path: string, label: string): Promise<boolean> {
  if (!(await exists(path))) return false;
  const trash = trashDir(root);
  await mkdir(trash, { recursive: true });
  await rename(path, join(trash, `${label}-${Date.now()}`));
  return true;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
