import { rename, mkdir, access } from 'node:fs/promises';
import { join } from 'node:path';
import { isInside, trashDir } from '../git/worktree-paths.js';
import { forgetMissingWorktrees, removeIncompleteWorktreeAdmin } from '../git/worktree-forget.js';

/**
 * A `kill -9` during `git worktree add` can leave an admin folder without its `commondir` or
 * `HEAD`; git then fails every later worktree command. maestro's own such folders (worktrees under
 * `root`) are removed, then its own worktrees whose folders are gone are forgotten. The user's
 * worktrees are never touched, whatever state they are in.
 */
export async function repairWorktreeAdmin(repo: string, root: string): Promise<string[]> {
  const ours = (path: string): boolean => isInside(root, path);
  const removed = await removeIncompleteWorktreeAdmin(repo, ours);
  await forgetMissingWorktrees(repo, ours);
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
