import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { git } from './runner.js';
import { retryAdminRace } from './worktree-admin-lock.js';
import { casDeleteBranch } from './plumbing.js';
import { isInside, trashDir } from './worktree-paths.js';
import { forgetMissingWorktrees } from './worktree-forget.js';
import { gatherTaskFacts, type InventoryOptions, type TaskFacts } from './run-inventory.js';

/**
 * Remove a run's task worktrees and branches: only maestro's own, only when merged into the result
 * branch or explicitly discarded. Plan first (pure), then apply: folders go to a trash folder, git
 * forgets them (only worktrees under `root`: `forgetMissingWorktrees`), branches are deleted with compare-and-swap, trash empties later.
 */
export interface RemovalAction {
  taskId: string;
  branch: string;
  branchCommit: string | null;
  path: string | null;
  why: 'merged' | 'discard';
}

export interface RemovalPlan {
  remove: RemovalAction[];
  keep: { taskId: string; branch: string; reason: string }[];
}

export function planRemoval(
  facts: TaskFacts[],
  options: { discard: boolean; taskIds?: string[] },
): RemovalPlan {
  const plan: RemovalPlan = { remove: [], keep: [] };
  for (const fact of facts) {
    if (options.taskIds && !options.taskIds.includes(fact.taskId)) continue;
    const keep = (reason: string): void =>
      void plan.keep.push({ taskId: fact.taskId, branch: fact.branch, reason });
    if (!fact.ownFolder) keep('its worktree is not in maestro’s worktree folder');
    else if (fact.worktree?.lock === 'live')
      keep(`its worktree is in use by process ${fact.worktree.lockPid}`);
    else if (fact.worktree?.lock === 'foreign') keep('its worktree was locked by someone else');
    else if (!options.discard && !fact.merged) keep('it is not merged into the result branch');
    else if (!options.discard && fact.dirty) keep('its worktree has uncommitted changes');
    else {
      plan.remove.push({
        taskId: fact.taskId,
        branch: fact.branch,
        branchCommit: fact.branchCommit,
        path: fact.worktree?.path ?? null,
        why: options.discard ? 'discard' : 'merged',
      });
    }
  }
  return plan;
}

export interface RemovalOutcome {
  removed: string[];
  /** Branches that moved since the plan was made: left alone. */
  skipped: string[];
  /** Resolves when the trashed folders are deleted (it runs in the background). */
  trashEmptied: Promise<void>;
}

export async function applyRemoval(repo: string, root: string, plan: RemovalPlan): Promise<RemovalOutcome> {
  const trash = trashDir(root);
  await mkdir(trash, { recursive: true });
  const trashed: string[] = [];
  for (const action of plan.remove) {
    const path = action.path;
    if (!path) continue;
    await retryAdminRace(() => git(['worktree', 'unlock', path], { cwd: repo, okExitCodes: [128] }));
    const target = join(trash, `${action.taskId}-${randomUUID().slice(0, 8)}`);
    try {
      await rename(path, target);
      trashed.push(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  await forgetMissingWorktrees(repo, (path) => isInside(root, path));
  const removed: string[] = [];
  const skipped: string[] = [];
  for (const action of plan.remove) {
    if (action.branchCommit === null) {
      removed.push(action.taskId);
      continue;
    }
    const deleted = await casDeleteBranch(repo, action.branch, action.branchCommit);
    (deleted.ok ? removed : skipped).push(action.taskId);
  }
  const trashEmptied = Promise.all(trashed.map((dir) => rm(dir, { recursive: true, force: true }))).then(
    () => undefined,
  );
  return { removed, skipped, trashEmptied };
}

/** Plan and apply in one call. */
export async function removeTaskWorktrees(
  repo: string,
  options: InventoryOptions & { discard?: boolean; taskIds?: string[] },
): Promise<RemovalOutcome & { plan: RemovalPlan }> {
  const facts = await gatherTaskFacts(repo, options);
  const plan = planRemoval(facts, { discard: options.discard ?? false, taskIds: options.taskIds });
  return { plan, ...(await applyRemoval(repo, options.root, plan)) };
}

/** Delete whatever an earlier process left in the trash folder. */
export async function emptyTrash(root: string): Promise<void> {
  const trash = trashDir(root);
  const entries = await readdir(trash).catch(() => []);
  await Promise.all(entries.map((name) => rm(join(trash, name), { recursive: true, force: true })));
}
