import type { RunOutcome, RunState } from './run-state.js';

export interface DecideView {
  /** Tasks whose executor is running right now. */
  inFlight: ReadonlySet<string>;
  /** Of those, tasks whose agent is done and that only wait to merge: they hold no agent slot. */
  merging?: ReadonlySet<string>;
  maxAgents: number;
  /** A stop was requested (user, signal or budget): start nothing more. */
  stopping: boolean;
  /** Keep the run open while conflicts await review (TUI), instead of finishing with 'conflicts'. */
  waitForReview: boolean;
}

export interface Decision {
  start: string[];
  block: { taskId: string; by: string[] }[];
  /** The run budget was reached just now. */
  runBudget?: { limitUsd: number; spentUsd: number };
  /** Set when nothing can happen any more: the run is over with this outcome. */
  finished?: RunOutcome;
}

const dead = new Set(['failed', 'blocked', 'stopped']);

/**
 * The scheduler's pure half: which tasks to start (every task whose dependencies are merged, in
 * plan order, up to the free slots), which to block (transitively behind a failed or stopped
 * task), and whether the run is over. A task behind a conflicted one simply waits.
 */
export function decide(state: RunState, view: DecideView): Decision {
  const block: Decision['block'] = [];
  const blocked = new Set(state.order.filter((id) => dead.has(state.tasks[id]?.state ?? '')));
  let changed = true;
  while (changed) {
    changed = false;
    for (const id of state.order) {
      const task = state.tasks[id];
      if (!task || task.state !== 'pending' || view.inFlight.has(id) || blocked.has(id)) continue;
      const by = task.dependsOn.filter((dep) => blocked.has(dep));
      if (by.length > 0) {
        block.push({ taskId: id, by });
        blocked.add(id);
        changed = true;
      }
    }
  }
  const { runUsd } = state.budget;
  const overBudget = runUsd !== null && state.costUsd >= runUsd;
  const runBudget =
    overBudget && state.budgetExceeded?.scope !== 'run'
      ? { limitUsd: runUsd, spentUsd: state.costUsd }
      : undefined;
  const start: string[] = [];
  if (!view.stopping && !overBudget) {
    const free = view.maxAgents - view.inFlight.size + (view.merging?.size ?? 0);
    for (const id of state.order) {
      if (start.length >= free) break;
      const task = state.tasks[id];
      if (!task || task.state !== 'pending' || view.inFlight.has(id) || blocked.has(id)) continue;
      if (task.dependsOn.every((dep) => state.tasks[dep]?.state === 'merged')) start.push(id);
    }
  }
  const decision: Decision = { start, block, runBudget };
  if (start.length === 0 && view.inFlight.size === 0) {
    const finished = outcomeIfOver(state, blocked, view, overBudget);
    if (finished) decision.finished = finished;
  }
  return decision;
}

function outcomeIfOver(
  state: RunState,
  blocked: ReadonlySet<string>,
  view: DecideView,
  overBudget: boolean,
): RunOutcome | undefined {
  const states = state.order.map((id) => ({ id, state: state.tasks[id]?.state ?? 'pending' }));
  const conflicted = states.some((t) => t.state === 'conflicted');
  if (view.stopping || overBudget) return 'stopped';
  if (conflicted && view.waitForReview) return undefined;
  if (states.some((t) => t.state === 'failed' || t.state === 'stopped' || blocked.has(t.id))) return 'failed';
  if (conflicted) return 'conflicts';
  // Anything else left over (a task journaled as running that no executor owns) must not read as success.
  return states.every((t) => t.state === 'merged') ? 'merged' : 'failed';
}
