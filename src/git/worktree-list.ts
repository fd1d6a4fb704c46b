import { git } from './runner.js';
import { retryAdminRace } from './worktree-admin-lock.js';

/** One entry of `git worktree list --porcelain -z`. */
export interface WorktreeEntry {
  path: string;
  head: string | null;
  /** Short branch name, `null` when detached. */
  branch: string | null;
  locked: boolean;
  lockReason: string | null;
  prunable: boolean;
  bare: boolean;
}

export async function listWorktrees(repo: string): Promise<WorktreeEntry[]> {
  // Another process's `worktree add` in progress makes git fail the listing for a moment.
  const result = await retryAdminRace(() => git(['worktree', 'list', '--porcelain', '-z'], { cwd: repo }));
  return parseWorktreeList(result.stdout);
}

export function parseWorktreeList(stdout: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const line of stdout.split('\0')) {
    if (line === '') {
      if (current) entries.push(current);
      current = null;
      continue;
    }
    const space = line.indexOf(' ');
    const key = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? '' : line.slice(space + 1);
    if (key === 'worktree') {
      current = {
        path: value,
        head: null,
        branch: null,
        locked: false,
        lockReason: null,
        prunable: false,
        bare: false,
      };
      continue;
    }
    if (!current) continue;
    if (key === 'HEAD') current.head = value;
    else if (key === 'branch') current.branch = value.replace(/^refs\/heads\//, '');
    else if (key === 'locked') {
      current.locked = true;
      current.lockReason = value || null;
    } else if (key === 'prunable') current.prunable = true;
    else if (key === 'bare') current.bare = true;
  }
  if (current) entries.push(current);
  return entries;
}
