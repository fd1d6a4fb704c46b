import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { git } from '../git/runner.js';
import { createWorktree, type WorktreeOptions } from '../git/worktree-create.js';
import { listWorktrees } from '../git/worktree-list.js';
import { readBranch } from '../git/plumbing.js';
import { taskBranch } from '../git/refs.js';
import { worktreePath } from '../git/worktree-paths.js';
import { lockReason } from '../git/locks.js';
import { moveAsideStrayFolder } from './worktree-repair.js';

export interface TaskWorktree {
  branch: string;
  path: string;
  /** The commit the worktree's branch pointed at when acquired. */
  commit: string;
  /** Dependency folders linked in (excluded from snapshots). */
  linked: string[];
  reused: boolean;
  ms: number;
}

/**
 * The task's worktree: the existing one when a retry or a resume finds it (its commits are the
 * task's work so far), the existing branch checked out again when only the folder is gone, or a
 * new branch at `commit`.
 */
export async function acquireTaskWorktree(
  taskId: string,
  commit: string,
  options: WorktreeOptions,
): Promise<TaskWorktree> {
  const started = Date.now();
  const branch = taskBranch(options.runId, taskId);
  const existing = (await listWorktrees(options.repo)).find(
    (entry) => entry.branch === `refs/heads/${branch}` || entry.branch === branch,
  );
  if (existing && !existing.prunable && (await exists(existing.path))) {
    const head = (await readBranch(options.repo, branch)) ?? commit;
    // Re-lock under this process: the old lock names the pid of the orchestrator that crashed.
    const reason = lockReason(options.pid ?? process.pid, options.runId);
    await git(['worktree', 'unlock', existing.path], { cwd: options.repo, okExitCodes: [128] });
    await git(['worktree', 'lock', '--reason', reason, existing.path], { cwd: options.repo });
    return { branch, path: existing.path, commit: head, linked: [], reused: true, ms: Date.now() - started };
  }
  const path = worktreePath(options.root, options.runId, taskId);
  // Left by a crash in the middle of `worktree add` (git no longer knows it): out of the way, kept.
  await moveAsideStrayFolder(options.root, path, `${options.runId}-${taskId}`);
  const branchCommit = await readBranch(options.repo, branch);
  if (branchCommit) {
    await git(['worktree', 'prune'], { cwd: options.repo });
    await mkdir(dirname(path), { recursive: true });
    const reason = lockReason(options.pid ?? process.pid, options.runId);
    await git(['worktree', 'add', '--quiet', '--lock', '--reason', reason, path, branch], {
      cwd: options.repo,
    });
    return { branch, path, commit: branchCommit, linked: [], reused: true, ms: Date.now() - started };
  }
  const ready = await createWorktree({ taskId, commit }, options);
  return { branch, path: ready.path, commit, linked: ready.linked, reused: false, ms: Date.now() - started };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
