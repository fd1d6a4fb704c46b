import { initialRunState, reduceRun, type RunState } from './run-state.js';
import { Journal, type Redactor } from './journal.js';
import { acquireRunLock } from './run-lock.js';
import { readRun } from './runs.js';
import { driveRun, type StartedRun } from './run-job.js';
import { gatherResumeFacts, planBudgetChange, planResume, type ResumePlan } from './resume.js';
import type { ClosableExecutor } from './scheduler.js';
import type { RunObserverOptions } from './run-observers.js';
import { reconcileRun } from '../git/reconcile.js';
import { repairWorktreeAdmin } from './worktree-repair.js';
import { stopLeftoverAgents } from './agent-processes.js';
import { MaestroError, UsageError } from '../errors.js';

export interface ResumeJobOptions {
  repo: string;
  runId?: string;
  /** Worktree root of this repository (`worktreeRoot(repoInfo, config.worktreeDir)`). */
  worktreeRoot: string;
  /** Journaled in `run.resumed`: whether agents run in the OS sandbox this time. */
  confinement: 'sandboxed' | 'unconfined';
  executor: (run: StartedRun) => ClosableExecutor | Promise<ClosableExecutor>;
  /** Defaults to the run's own setting. */
  maxAgents?: number;
  /** A new run cap in USD (journaled as `budget.changed`); must be above what the run has spent. */
  runBudgetUsd?: number;
  onJournal?: (journal: Journal) => void;
  onScheduler?: (run: StartedRun) => void;
  /** Called once the reconciliation is journaled, before any task runs again. */
  onPlan?: (plan: ResumePlan) => void;
  redact?: Redactor;
  signal?: AbortSignal;
  waitForReview?: boolean;
  /** Worktree watchers and the conflict radar (pass the config's `excludePaths`). */
  observe?: RunObserverOptions;
}

/**
 * `maestro resume`: after a crash, `kill -9` or Ctrl-C, bring the journal in line with git,
 * adopt or remove leftover worktrees, then run what was in flight or stopped again.
 */
export async function resumeJob(options: ResumeJobOptions): Promise<{ run: StartedRun; state: RunState }> {
  const record = await readRun(options.repo, options.runId);
  const { runId } = record;
  const before = record.state;
  if (!before.plan || !before.baseCommit || !before.resultBranch) {
    throw new UsageError(
      `Run ${runId} stopped before its plan was ready: nothing to resume; start it again with maestro run.`,
    );
  }
  if (before.phase === 'finished' && before.outcome === 'merged') {
    throw new UsageError(`Run ${runId} already finished with every task merged: nothing to resume.`);
  }
  // Refused before the lock and the journal are touched: a refusal writes nothing.
  const budgetChange = planBudgetChange(before, options.runBudgetUsd);
  const lock = await acquireRunLock(record.dir, runId);
  let journal: Journal | undefined;
  try {
    journal = await Journal.open(record.dir, runId, { redact: options.redact });
    options.onJournal?.(journal);
    // Agents the crashed orchestrator left running would work beside the ones started now.
    await stopLeftoverAgents(record.dir);
    await repairWorktreeAdmin(options.repo, options.worktreeRoot);
    const reconciled = await reconcileRun(options.repo, before.order, { runId, root: options.worktreeRoot });
    if (reconciled.busy.length > 0) {
      const busy = reconciled.busy[0];
      throw new MaestroError(
        `A worktree of run ${runId} (task ${busy?.taskId}) is in use by process ${busy?.pid ?? 'unknown'}; stop it first.`,
      );
    }
    const plan = planResume(journalState(journal, before), await gatherResumeFacts(options.repo, runId));
    await journal.append({ type: 'run.resumed', pid: process.pid, confinement: options.confinement });
    if (budgetChange) await journal.append(budgetChange);
    for (const body of plan.events) await journal.append(body);
    for (const taskId of reconciled.removed) {
      await journal.append({
        type: 'log',
        level: 'info',
        message: `removed leftover worktree of task ${taskId}`,
      });
    }
    options.onPlan?.(plan);
    const state = journalState(journal, before);
    return await driveRun(
      journal,
      { ...options, maxAgents: options.maxAgents ?? state.maxAgents },
      {
        repo: options.repo,
        runId,
        dir: record.dir,
        plan: before.plan,
        resultBranch: before.resultBranch,
        baseCommit: before.baseCommit,
        overlaps: before.overlaps,
      },
    );
  } finally {
    await journal?.close();
    await lock.release();
  }
}

/** The state as the journal now has it (it may have grown since `readRun`, e.g. a torn tail cut). */
function journalState(journal: Journal, fallback: RunState): RunState {
  return journal.history().length > 0 ? foldHistory(journal) : fallback;
}

function foldHistory(journal: Journal): RunState {
  return journal.history().reduce(reduceRun, initialRunState(journal.runId));
}
