import type { RunEventBody } from '../events.js';
import type { RunState } from './run-state.js';
import { git } from '../git/runner.js';
import { readBranch } from '../git/plumbing.js';
import { resultBranch } from '../git/refs.js';
import { UsageError } from '../errors.js';

/** What git says about a run: the truth where it disagrees with the journal. */
export interface ResumeFacts {
  /** Tasks merged into the result branch per the trailers of its first-parent commits, oldest first. */
  merges: { taskId: string; commit: string }[];
  resultHead: string | null;
}

export interface ResumePlan {
  /** Events that bring the journal in line with git and make interrupted tasks runnable again. */
  events: RunEventBody[];
  /** Tasks that will run again (they were in flight or stopped); their branches and worktrees are reused. */
  rerun: string[];
  /** Merges git has that the journal missed (a crash between the merge and its journal line). */
  recovered: string[];
  /** Journal says merged but the result branch does not contain it (the branch was moved by hand). */
  lost: string[];
}

const inFlight = new Set(['starting', 'running', 'paused', 'validating', 'merging']);

/**
 * Reconcile a crashed or stopped run with git, as a pure plan. Merge commits on the result branch
 * (their `Maestro-Task` trailers) are the truth; tasks that were in flight or stopped run again
 * from their own branch, so every commit made before the crash is kept.
 */
export function planResume(state: RunState, facts: ResumeFacts): ResumePlan {
  const events: RunEventBody[] = [];
  const merged = new Map(facts.merges.map((m) => [m.taskId, m.commit]));
  const recovered: string[] = [];
  const lost: string[] = [];
  const rerun: string[] = [];
  for (const merge of facts.merges) {
    const task = state.tasks[merge.taskId];
    if (!task || task.state === 'merged') continue;
    events.push({
      type: 'task.merged',
      taskId: merge.taskId,
      commit: merge.commit,
      resultBranch: state.resultBranch ?? '',
    });
    recovered.push(merge.taskId);
  }
  for (const id of state.order) {
    const task = state.tasks[id];
    if (!task || merged.has(id)) continue;
    if (task.state === 'merged') {
      lost.push(id);
      events.push({
        type: 'log',
        level: 'warn',
        message: `task ${id} is no longer on the result branch; running it again`,
      });
      events.push({ type: 'task.retried', taskId: id });
      rerun.push(id);
    } else if (inFlight.has(task.state)) {
      events.push({ type: 'task.stopped', taskId: id, reason: 'interrupted: the orchestrator stopped' });
      events.push({ type: 'task.retried', taskId: id });
      rerun.push(id);
    } else if (task.state === 'stopped') {
      events.push({ type: 'task.retried', taskId: id });
      rerun.push(id);
    }
  }
  return { events, rerun, recovered, lost };
}

/**
 * The `budget.changed` event for a new run cap, or nothing when it is the cap already in force.
 * A cap not above what the run has spent would stop it at once, so it is refused.
 */
export function planBudgetChange(state: RunState, runUsd: number | undefined): RunEventBody | undefined {
  if (runUsd === undefined) return undefined;
  if (runUsd <= state.costUsd) {
    throw new UsageError(
      `--budget ${runUsd}: run ${state.runId} has already spent $${state.costUsd.toFixed(4)}; give a budget above that to continue it.`,
    );
  }
  if (runUsd === state.budget.runUsd) return undefined;
  return { type: 'budget.changed', budget: { ...state.budget, runUsd }, spentUsd: state.costUsd };
}

/** Read the result branch's first-parent history for `Maestro-Task` trailers. */
export async function gatherResumeFacts(repo: string, runId: string): Promise<ResumeFacts> {
  const branch = resultBranch(runId);
  const head = await readBranch(repo, branch);
  if (!head) return { merges: [], resultHead: null };
  const { stdout } = await git(
    [
      'log',
      '--first-parent',
      '--reverse',
      '--format=%H%x1f%(trailers:key=Maestro-Task,valueonly,separator=%x2c)%x1e',
      head,
    ],
    { cwd: repo },
  );
  const merges: { taskId: string; commit: string }[] = [];
  for (const record of stdout.split('\x1e')) {
    const [commit, taskId] = record.trim().split('\x1f');
    if (commit && taskId && taskId.trim() !== '') merges.push({ taskId: taskId.trim(), commit });
  }
  return { merges, resultHead: head };
}
