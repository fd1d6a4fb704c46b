import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { git, gitLine } from '../git/runner.js';
import {
  CHECKOUT_MARKER,
  WorktreeMaker,
  adminDir,
  checkoutUnfinished,
  type PendingWorktree,
  type WorktreeOptions,
} from '../git/worktree-create.js';
import { listWorktrees } from '../git/worktree-list.js';
import { readBranch } from '../git/plumbing.js';
import { checkTaskHead } from '../git/task-head.js';
import { runBranchPrefix, taskBranch } from '../git/refs.js';
import { worktreePath } from '../git/worktree-paths.js';
import { lockReason } from '../git/locks.js';
import { moveAsideStrayFolder } from './worktree-repair.js';
import { forgetMissingWorktrees } from '../git/worktree-forget.js';
import { commonDirOf, retryAdminRace, withWorktreeAdminLock } from '../git/worktree-admin-lock.js';

export interface TaskWorktree {
  branch: string;
  path: string;
  /** The commit the worktree's branch pointed at when acquired. */
  commit: string;
  reused: boolean;
  /** The task's own folders, on disk before the rest (see `WorktreeMaker`); null when nothing comes early. */
  early: PendingWorktree['early'];
  /** Every file checked out and set up: the dependency folders linked in (excluded from snapshots). */
  ready: Promise<{ linked: string[]; ms: number }>;
}

/** A task waiting for its worktree: answered through `resolve` or `reject`. */
export interface WorktreeRequest {
  taskId: string;
  commit: string;
  files: readonly string[];
  started: number;
  resolve: (worktree: TaskWorktree) => void;
  reject: (error: unknown) => void;
}

/**
 * Hands out task worktrees for one run. git's worktree bookkeeping must not be read (`worktree
 * list`) while another `worktree add` is half done, so all of it goes through this queue: requests
 * that arrive together form one batch, added one after another. A task gets its worktree as soon
 * as git knows it; the files follow in the background (its own folders first).
 */
export class WorktreeQueue {
  private pending: WorktreeRequest[] = [];
  private draining: Promise<void> | undefined;
  private readonly maker: WorktreeMaker;
  /** The run's task branches, listed once; the queue adds the ones it creates. */
  private branches: Promise<Set<string>> | undefined;

  constructor(private readonly options: WorktreeOptions) {
    this.maker = new WorktreeMaker(options);
  }

  /**
   * The task's worktree: the existing one when a retry or a resume finds it (its commits are the
   * task's work so far), its existing branch checked out again when only the folder is gone, or a
   * new branch at `commit` whose cone (the folders of `files`) is checked out first.
   */
  acquire(taskId: string, commit: string, files: readonly string[] = []): Promise<TaskWorktree> {
    return new Promise((resolve, reject) => {
      this.pending.push({ taskId, commit, files, started: Date.now(), resolve, reject });
      // Start on the next microtask so the tasks the scheduler starts together form one batch.
      this.draining ??= Promise.resolve()
        .then(() => this.drain())
        .finally(() => (this.draining = undefined));
    });
  }

  /** Whether the task has a branch of this run already (a retry's or a resumed task's). */
  async hasBranch(taskId: string): Promise<boolean> {
    return (await this.taskBranches()).has(taskBranch(this.options.runId, taskId));
  }

  /** A task branch made outside the queue (a recycled worktree's): a retry must find it. */
  async noteBranch(branch: string): Promise<void> {
    (await this.taskBranches()).add(branch);
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      await this.maker.batch(async () => {
        for (const request of batch) {
          try {
            request.resolve((await this.reuse(request)) ?? (await this.create(request)));
          } catch (error) {
            request.reject(error);
          }
        }
      });
    }
  }

  private async create(request: WorktreeRequest): Promise<TaskWorktree> {
    const { root, runId } = this.options;
    // Left by a crash in the middle of `worktree add` (git no longer knows it): out of the way, kept.
    await moveAsideStrayFolder(root, worktreePath(root, runId, request.taskId), `${runId}-${request.taskId}`);
    const pending = await this.maker.add({
      taskId: request.taskId,
      commit: request.commit,
      files: request.files,
    });
    (await this.taskBranches()).add(pending.branch);
    return {
      branch: pending.branch,
      path: pending.path,
      commit: pending.commit,
      reused: false,
      early: pending.early,
      ready: readyOf(pending, request.started),
    };
  }

  /** Task branches of this run that exist: a task without one has no worktree to reuse either. */
  private taskBranches(): Promise<Set<string>> {
    this.branches ??= git(
      [
        'for-each-ref',
        '--format=%(refname:lstrip=2)',
        `refs/heads/${runBranchPrefix(this.options.runId)}tasks/`,
      ],
      { cwd: this.options.repo },
    ).then(
      (result) => new Set(result.stdout.split('\n').filter(Boolean)),
      (error: unknown) => {
        this.branches = undefined;
        throw error;
      },
    );
    return this.branches;
  }

  private async reuse(request: WorktreeRequest): Promise<TaskWorktree | undefined> {
    const { repo, runId, root } = this.options;
    const branch = taskBranch(runId, request.taskId);
    // The common case, a task's first attempt, costs no git call here.
    if (!(await this.taskBranches()).has(branch)) return undefined;
    const reason = lockReason(this.options.pid ?? process.pid, runId);
    const path = worktreePath(root, runId, request.taskId);
    // An agent works on a detached HEAD (`detachHead`): after a crash its worktree is found by its folder.
    const existing = (await listWorktrees(repo)).find(
      (entry) =>
        entry.branch === `refs/heads/${branch}` ||
        entry.branch === branch ||
        (entry.branch === null && entry.path === path),
    );
    if (existing && !existing.prunable && (await exists(existing.path))) {
      const tip = await readBranch(repo, branch);
      // Commits the agent made before the crash go back onto the task branch, never dropped.
      if (existing.branch === null && tip !== null) await checkTaskHead(repo, existing.path, branch, tip);
      const head = (await readBranch(repo, branch)) ?? request.commit;
      // Nothing else works in a task's worktree between its executors: a lock left is a killed git's.
      await rm(await gitPath(existing.path, 'index.lock'), { force: true });
      // Re-lock under this process: the old lock names the pid of the orchestrator that crashed.
      await retryAdminRace(() =>
        git(['worktree', 'unlock', existing.path], { cwd: repo, okExitCodes: [128] }),
      );
      await retryAdminRace(() => git(['worktree', 'lock', '--reason', reason, existing.path], { cwd: repo }));
      const worktree = { taskId: request.taskId, branch, path: existing.path, commit: head };
      const ready = (await checkoutUnfinished(existing.path))
        ? readyOf(this.maker.resume(worktree), request.started)
        : Promise.resolve({ linked: [], ms: Date.now() - request.started });
      return { ...worktree, reused: true, early: null, ready };
    }
    await moveAsideStrayFolder(root, path, `${runId}-${request.taskId}`);
    const branchCommit = await readBranch(repo, branch);
    if (!branchCommit) return undefined;
    await forgetMissingWorktrees(repo, (entry) => entry === path);
    await mkdir(dirname(path), { recursive: true });
    const args = ['worktree', 'add', '--quiet', '--no-checkout', '--lock', '--reason', reason, path, branch];
    await withWorktreeAdminLock(await commonDirOf(repo), () => git(args, { cwd: repo }));
    // Checked out and set up as a new worktree is (included files, dependency links, setup).
    await writeFile(join(await adminDir(path), CHECKOUT_MARKER), `${process.pid}\n`);
    const worktree = { taskId: request.taskId, branch, path, commit: branchCommit };
    return {
      ...worktree,
      reused: true,
      early: null,
      ready: readyOf(this.maker.resume(worktree), request.started),
    };
  }
}

function readyOf(pending: PendingWorktree, started: number): TaskWorktree['ready'] {
  const ready = pending.ready.then((worktree) => ({ linked: worktree.linked, ms: Date.now() - started }));
  // Awaited by the task; marked handled so a failure before then is not an unhandled rejection.
  ready.catch(() => undefined);
  return ready;
}

async function gitPath(worktree: string, name: string): Promise<string> {
  return gitLine(['rev-parse', '--path-format=absolute', '--git-path', name], { cwd: worktree });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
