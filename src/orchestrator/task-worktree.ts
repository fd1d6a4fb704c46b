import { access, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { git, gitLine } from '../git/runner.js';
import { createWorktrees, type ReadyWorktree, type WorktreeOptions } from '../git/worktree-create.js';
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

interface Request {
  taskId: string;
  commit: string;
  started: number;
  resolve: (worktree: TaskWorktree) => void;
  reject: (error: unknown) => void;
}

/**
 * Hands out task worktrees for one run. git's worktree bookkeeping must not be read (`worktree
 * list`) while another `worktree add` is half done, so all of it goes through this queue: requests
 * that arrive together form one batch (adds one after another, checkouts in parallel, each task
 * released the moment its worktree is ready); a later request waits for the running batch.
 */
export class WorktreeQueue {
  private pending: Request[] = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly options: WorktreeOptions) {}

  /**
   * The task's worktree: the existing one when a retry or a resume finds it (its commits are the
   * task's work so far), its existing branch checked out again when only the folder is gone, or a
   * new branch at `commit`.
   */
  acquire(taskId: string, commit: string): Promise<TaskWorktree> {
    return new Promise((resolve, reject) => {
      this.pending.push({ taskId, commit, started: Date.now(), resolve, reject });
      // Start on the next microtask so the tasks the scheduler starts together form one batch.
      this.draining ??= Promise.resolve()
        .then(() => this.drain())
        .finally(() => (this.draining = undefined));
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      const fresh: Request[] = [];
      for (const request of batch) {
        try {
          const reused = await this.reuse(request);
          if (reused) request.resolve(reused);
          else fresh.push(request);
        } catch (error) {
          request.reject(error);
        }
      }
      if (fresh.length === 0) continue;
      const byTask = new Map(fresh.map((request) => [request.taskId, request]));
      const settle = (ready: ReadyWorktree): void => {
        const request = byTask.get(ready.taskId);
        byTask.delete(ready.taskId);
        request?.resolve({
          branch: ready.branch,
          path: ready.path,
          commit: ready.commit,
          linked: ready.linked,
          reused: false,
          ms: Date.now() - request.started,
        });
      };
      const result = await createWorktrees(
        fresh.map((request) => ({ taskId: request.taskId, commit: request.commit })),
        this.options,
        { onReady: settle },
      ).catch((error: unknown) => ({ ready: [], failed: fresh.map((r) => ({ taskId: r.taskId, error })) }));
      for (const failure of result.failed) byTask.get(failure.taskId)?.reject(failure.error);
      for (const request of byTask.values())
        request.reject(new Error(`no worktree was made for task ${request.taskId}`));
    }
  }

  private async reuse(request: Request): Promise<TaskWorktree | undefined> {
    const { repo, runId, root } = this.options;
    const branch = taskBranch(runId, request.taskId);
    const reason = lockReason(this.options.pid ?? process.pid, runId);
    const existing = (await listWorktrees(repo)).find(
      (entry) => entry.branch === `refs/heads/${branch}` || entry.branch === branch,
    );
    if (existing && !existing.prunable && (await exists(existing.path))) {
      const head = (await readBranch(repo, branch)) ?? request.commit;
      await finishInterruptedCheckout(existing.path);
      // Re-lock under this process: the old lock names the pid of the orchestrator that crashed.
      await git(['worktree', 'unlock', existing.path], { cwd: repo, okExitCodes: [128] });
      await git(['worktree', 'lock', '--reason', reason, existing.path], { cwd: repo });
      return {
        branch,
        path: existing.path,
        commit: head,
        linked: [],
        reused: true,
        ms: Date.now() - request.started,
      };
    }
    const path = worktreePath(root, runId, request.taskId);
    // Left by a crash in the middle of `worktree add` (git no longer knows it): out of the way, kept.
    await moveAsideStrayFolder(root, path, `${runId}-${request.taskId}`);
    const branchCommit = await readBranch(repo, branch);
    if (!branchCommit) return undefined;
    await git(['worktree', 'prune'], { cwd: repo });
    await mkdir(dirname(path), { recursive: true });
    await git(['worktree', 'add', '--quiet', '--lock', '--reason', reason, path, branch], { cwd: repo });
    return { branch, path, commit: branchCommit, linked: [], reused: true, ms: Date.now() - request.started };
  }
}

/**
 * A worktree whose checkout was cut short (a crash between `worktree add --no-checkout` and the
 * end of its checkout) has no index yet: committing it as it is would record every file as deleted.
 * No agent ever worked in it (agents start after the checkout), so finishing the checkout loses nothing.
 */
async function finishInterruptedCheckout(path: string): Promise<void> {
  const index = await gitLine(['rev-parse', '--path-format=absolute', '--git-path', 'index'], { cwd: path });
  // Nothing else works in a task's worktree between its executors: a lock left is a killed git's.
  await rm(`${index}.lock`, { force: true });
  if (await exists(index)) return;
  await git(['reset', '--hard', '--quiet'], { cwd: path });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
