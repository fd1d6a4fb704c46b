import { git } from './runner.js';
import { retryAdminRace } from './worktree-admin-lock.js';
import { lockReason } from './locks.js';
import { applyRemoval, type RemovalPlan } from './removal.js';
import { gatherTaskFacts, type InventoryOptions, type TaskFacts } from './run-inventory.js';

/**
 * Crash repair on start: worktrees and branches git knows under `maestro/<runId>/` that the
 * caller's records do not (a crash between `worktree add` and recording it). A pure plan decides:
 * anything holding work of its own is adopted, an untouched leftover is removed, a lock whose pid
 * is dead is taken over, a lock held by a live process means the run is busy.
 */
export type ReconcileAction =
  | { kind: 'adopt'; taskId: string; branch: string; path: string | null; commit: string | null }
  | { kind: 'remove'; taskId: string; branch: string; path: string | null; commit: string | null }
  | { kind: 'relock'; taskId: string; path: string }
  | { kind: 'busy'; taskId: string; pid: number | null };

export function planReconcile(knownTaskIds: string[], facts: TaskFacts[]): ReconcileAction[] {
  const known = new Set(knownTaskIds);
  const actions: ReconcileAction[] = [];
  for (const fact of facts) {
    const path = fact.worktree?.prunable ? null : (fact.worktree?.path ?? null);
    const { taskId, branch, branchCommit: commit } = fact;
    if (fact.worktree?.lock === 'live') {
      actions.push({ kind: 'busy', taskId, pid: fact.worktree.lockPid });
      continue;
    }
    if (fact.worktree?.lock === 'stale' && path) actions.push({ kind: 'relock', taskId, path });
    if (known.has(taskId)) continue;
    const untouched = fact.merged && !fact.dirty && fact.ownFolder && fact.worktree?.lock !== 'foreign';
    actions.push({ kind: untouched ? 'remove' : 'adopt', taskId, branch, path, commit });
  }
  return actions;
}

export interface ReconcileOutcome {
  actions: ReconcileAction[];
  adopted: { taskId: string; branch: string; path: string | null; commit: string | null }[];
  removed: string[];
  busy: { taskId: string; pid: number | null }[];
  trashEmptied: Promise<void>;
}

export async function reconcileRun(
  repo: string,
  knownTaskIds: string[],
  options: InventoryOptions,
): Promise<ReconcileOutcome> {
  const facts = await gatherTaskFacts(repo, options);
  return applyReconcile(repo, planReconcile(knownTaskIds, facts), options);
}

export async function applyReconcile(
  repo: string,
  actions: ReconcileAction[],
  options: { runId: string; root: string; pid?: number },
): Promise<ReconcileOutcome> {
  const reason = lockReason(options.pid ?? process.pid, options.runId);
  for (const action of actions) {
    if (action.kind !== 'relock') continue;
    await retryAdminRace(() => git(['worktree', 'unlock', action.path], { cwd: repo }));
    await retryAdminRace(() => git(['worktree', 'lock', '--reason', reason, action.path], { cwd: repo }));
  }
  const removal: RemovalPlan = { remove: [], keep: [] };
  for (const action of actions) {
    if (action.kind !== 'remove') continue;
    removal.remove.push({ ...action, branchCommit: action.commit, why: 'merged' });
  }
  const applied = await applyRemoval(repo, options.root, removal);
  return {
    actions,
    adopted: actions.flatMap((action) => (action.kind === 'adopt' ? [action] : [])),
    removed: applied.removed,
    busy: actions.flatMap((action) =>
      action.kind === 'busy' ? [{ taskId: action.taskId, pid: action.pid }] : [],
    ),
    trashEmptied: applied.trashEmptied,
  };
}
