import { availableParallelism } from 'node:os';
import { WorktreeQueue, type TaskWorktree, type WorktreeRequest } from '../orchestrator/task-worktree.js';
import { moveAsideStrayFolder } from '../orchestrator/worktree-repair.js';
import { checkoutEnv, pool, type CheckoutEnv, type WorktreeOptions } from '../git/worktree-create.js';
import { includePatterns } from '../git/worktree-include.js';
import { taskBranch } from '../git/refs.js';
import { worktreePath } from '../git/worktree-paths.js';
import {
  assertRecyclable,
  discardWorktrees,
  moveWorktree,
  ownWorktree,
  switchWorktree,
  type OwnWorktree,
} from '../git/worktree-recycle.js';
import type { Landed } from './types.js';

export interface WorktreePoolOptions extends WorktreeOptions {
  /** Agent slots: free worktrees beyond this many are removed rather than kept for the next task. */
  slots: number;
  /**
   * A task waiting for a worktree may take one whose work is committed but not landed yet (see
   * `hold`). Only where nothing reads a worktree after its work is done: a local run's landing
   * merges commits, while a worker's detaches the worktree once its work is pushed.
   */
  lendBeforeLanding?: boolean;
}

/** A worktree whose task's work is done, until the landing's verdict. */
interface Held {
  own: OwnWorktree;
  taskId: string;
  lendable: boolean;
  /** Lent to a waiting task: settles once the worktree no longer holds this task's branch. */
  left?: Promise<unknown>;
}

/**
 * A run's worktrees, about one per agent slot. A task whose work is done holds its worktree until
 * the landing says `merged` (the next task's base and branch are switched in, in place) or `kept`
 * (conflicted: left for review). A new task takes a free worktree, waits for one that is
 * about to be released, and only when neither is there gets one made from nothing. With
 * `lendBeforeLanding`, a waiting task takes a held worktree at once (its work is all in its
 * commits, which the landing merges without the worktree); a `kept` verdict then checks the
 * task's branch out again at its own path. A retry or a resumed task gets its own worktree back.
 * `close` removes the free ones; their branches stay.
 */
export class WorktreePool {
  private readonly queue: WorktreeQueue;
  private readonly free: OwnWorktree[] = [];
  private readonly waiters: WorktreeRequest[] = [];
  /** Worktrees whose task is done and waits for the landing's verdict (not lent yet). */
  private readonly held: Held[] = [];
  /** The worktrees handed out, by path: their admin folders (read before an agent ran there) and tasks. */
  private readonly owned = new Map<string, { own: OwnWorktree; taskId: string }>();
  private readonly env: Promise<CheckoutEnv>;
  private readonly patterns: Promise<string[]>;
  private readonly switches: <T>(task: () => Promise<T>) => Promise<T>;
  private readonly removals = new Set<Promise<void>>();
  /** Free worktrees being moved to their next task, by the path they leave. */
  private readonly moving = new Map<string, Promise<unknown>>();

  constructor(private readonly options: WorktreePoolOptions) {
    this.queue = new WorktreeQueue(options);
    this.env = checkoutEnv(options.repo);
    this.patterns = includePatterns(options.repo, options.include ?? []);
    this.env.catch(() => undefined);
    this.patterns.catch(() => undefined);
    this.switches = pool(Math.max(1, availableParallelism()));
  }

  async acquire(taskId: string, commit: string, files: readonly string[] = []): Promise<TaskWorktree> {
    await this.evict(taskId);
    // A retry or a resume: its worktree holds the task's work so far.
    if (await this.queue.hasBranch(taskId))
      return this.own(taskId, await this.queue.acquire(taskId, commit, files));
    return new Promise((resolve, reject) => {
      this.waiters.push({ taskId, commit, files, started: Date.now(), resolve, reject });
      this.pump();
    });
  }

  /**
   * The task's work in `worktree` is done and committed: the returned function takes the
   * landing's verdict (once). `lendable`: nothing the task left in the worktree outside its commits
   * matters any more (no file was left out of them), so a waiting task may take the worktree first.
   */
  hold(worktree: Pick<TaskWorktree, 'path'>, lendable = false): (landed: Landed) => Promise<void> {
    const owned = this.owned.get(worktree.path);
    this.owned.delete(worktree.path);
    const entry: Held | undefined = owned && {
      ...owned,
      lendable: lendable && this.options.lendBeforeLanding === true,
    };
    if (entry) this.held.push(entry);
    this.pump();
    let released = false;
    return async (landed) => {
      if (released || !entry) return;
      released = true;
      if (entry.left) {
        // Not made again, the branch still holds the work: a retry or `resume` checks it out.
        if (landed === 'kept') await this.restore(entry, entry.left).catch(() => undefined);
        return;
      }
      this.held.splice(this.held.indexOf(entry), 1);
      if (landed === 'merged') {
        if (this.waiters.length > 0 || this.free.length < this.options.slots) this.free.push(entry.own);
        else void this.remove(entry.own);
      }
      this.pump();
    };
  }

  /** A branch of the task made outside the pool (a worker fetched it): the task's acquire starts from it. */
  async noteBranch(taskId: string): Promise<void> {
    await this.queue.noteBranch(taskBranch(this.options.runId, taskId));
  }

  /**
   * Removes the free worktrees (their tasks merged): git forgets them now, and their files are
   * deleted by a process of their own, which the end of the run does not wait for.
   */
  async close(): Promise<void> {
    const leaving = this.free.splice(0);
    while (this.removals.size > 0) await Promise.all([...this.removals]);
    await discardWorktrees(this.options.root, leaving, 'background').catch(() => undefined);
  }

  /**
   * Free worktrees go to waiters first, then lendable held ones; a waiter beyond the worktrees
   * about to be freed gets a new one.
   */
  private pump(): void {
    for (;;) {
      const waiter = this.waiters[0];
      if (!waiter) return;
      const own = this.free.shift();
      const lent = own ? undefined : this.held.find((entry) => entry.lendable);
      if (own || lent) {
        this.waiters.shift();
        if (lent) this.held.splice(this.held.indexOf(lent), 1);
        const left = this.recycle(waiter, own ?? (lent as Held).own);
        if (lent) lent.left = left;
      } else if (this.waiters.length > this.held.length) {
        // The newest waiter: the older ones are first in line for the worktrees being released.
        this.create(this.waiters.pop() as WorktreeRequest);
      } else return;
    }
  }

  /**
   * A lent worktree's task did not merge (conflicted, or its landing failed): once the worktree
   * has left the task's branch, the branch is checked out again at the task's own path, set up as
   * a new worktree is, for review, `s` and `resume`.
   */
  private async restore(entry: Held, left: Promise<unknown>): Promise<void> {
    await left;
    // The branch exists, so its own head is checked out (the commit only starts a new branch).
    const worktree = await this.queue.acquire(entry.taskId, '');
    await worktree.ready;
  }

  /**
   * A task that comes back after its worktree was given back (a worker's task, released once its
   * work was pushed, then retried): that worktree, still at the task's path, is no longer its own.
   */
  private async evict(taskId: string): Promise<void> {
    const path = worktreePath(this.options.root, this.options.runId, taskId);
    const moving = this.moving.get(path);
    if (moving) {
      await moving;
      // One that could not be moved is being removed: its admin folder must be gone before the task's add.
      while (this.removals.size > 0) await Promise.all([...this.removals]);
    }
    const at = this.free.findIndex((own) => own.path === path);
    if (at !== -1) await discardWorktrees(this.options.root, this.free.splice(at, 1));
  }

  private create(waiter: WorktreeRequest): void {
    this.queue
      .acquire(waiter.taskId, waiter.commit, waiter.files)
      .then(
        (worktree) => this.own(waiter.taskId, worktree).then(waiter.resolve, waiter.reject),
        waiter.reject,
      );
  }

  /** Settles once `previous` no longer holds its last task's branch (switched, or removed). */
  private async recycle(waiter: WorktreeRequest, previous: OwnWorktree): Promise<unknown> {
    const { root, runId } = this.options;
    const path = worktreePath(root, runId, waiter.taskId);
    const branch = taskBranch(runId, waiter.taskId);
    let moved: OwnWorktree;
    let left!: () => void;
    this.moving.set(previous.path, new Promise<void>((resolve) => (left = resolve)));
    try {
      await assertRecyclable(previous);
      // Left by a crash (git does not know it): out of the way, kept.
      await moveAsideStrayFolder(root, path, `${runId}-${waiter.taskId}`);
      moved = await moveWorktree(previous, path);
    } catch {
      // Not switchable in place (submodules, a changed .git pointer, hidden index entries): made afresh.
      this.create(waiter);
      return this.remove(previous);
    } finally {
      this.moving.delete(previous.path);
      left();
    }
    this.owned.set(path, { own: moved, taskId: waiter.taskId });
    await this.queue.noteBranch(branch).catch(() => undefined);
    const ready = this.switches(async () => {
      const options = { env: await this.env, patterns: await this.patterns };
      return switchWorktree(
        moved,
        { branch, commit: waiter.commit },
        {
          repo: this.options.repo,
          ...options,
          linkDependencies: this.options.linkDependencies ?? [],
          setup: this.options.setup,
          // As many switches at once as cores: one checkout worker each.
          checkoutWorkers: this.options.checkoutWorkers ?? 1,
          signal: this.options.signal,
        },
      );
    }).then(
      (switched) => ({ linked: switched.linked, ms: Date.now() - waiter.started }),
      async (error: unknown) => {
        // Half switched: gone, so a retry of the task starts afresh at its path.
        this.owned.delete(path);
        await this.remove(moved);
        throw error;
      },
    );
    ready.catch(() => undefined);
    waiter.resolve({ branch, path, commit: waiter.commit, reused: false, early: null, ready });
    return ready.catch(() => undefined);
  }

  private async own(taskId: string, worktree: TaskWorktree): Promise<TaskWorktree> {
    this.owned.set(worktree.path, { own: await ownWorktree(worktree.path), taskId });
    return worktree;
  }

  private remove(own: OwnWorktree): Promise<void> {
    const removal = discardWorktrees(this.options.root, [own]).catch(() => undefined);
    this.removals.add(removal);
    void removal.finally(() => this.removals.delete(removal));
    return removal;
  }
}
