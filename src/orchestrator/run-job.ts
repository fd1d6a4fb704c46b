import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plan } from './plan.js';
import type { RunState } from './run-state.js';
import { Journal, type Redactor } from './journal.js';
import { acquireRunLock } from './run-lock.js';
import { newRunId, runDir } from './run-paths.js';
import { Scheduler, type ClosableExecutor, type TaskExecutor } from './scheduler.js';
import { predictOverlaps, serializeOverlaps, type OverlapPair } from './plan-overlap.js';
import { listTrackedFiles } from './repo-files.js';
import { followAttachedCommands } from './run-control.js';
import { assertValidPlan } from './plan-validate.js';
import { startRunObservers, type RunObserverOptions } from './run-observers.js';
import type { Usage } from '../llm/types.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ensureResultBranch } from '../git/merge.js';
import { resolveCommit } from '../git/repo.js';
import { assertRunRefsFree } from '../git/refs.js';

export interface RunJobOptions {
  /** The repository's toplevel. */
  repo: string;
  /** From `inspectRepo(...).commonDir`. */
  commonDir: string;
  plan: Plan;
  planSource: 'llm' | 'file' | 'each' | 'template';
  planUsage?: { usage: Usage; costUsd: number };
  baseRef: string;
  maxAgents: number;
  model: string;
  provider: string;
  budget: { runUsd: number | null; taskUsd: number | null };
  /** Journaled in `run.started`: whether agents run in the OS sandbox. */
  confinement: 'sandboxed' | 'unconfined';
  serializeOverlaps?: boolean;
  /** Builds the task executor once the run exists (the real one: `createLocalExecutor`). */
  executor: (run: StartedRun) => ClosableExecutor | Promise<ClosableExecutor>;
  /** Called once the scheduler exists (the TUI's in-process RunControl: `schedulerRunControl`). */
  onScheduler?: (run: StartedRun) => void;
  /** Called with the journal before the first event, so reporters see everything. */
  onJournal?: (journal: Journal) => void;
  redact?: Redactor;
  signal?: AbortSignal;
  waitForReview?: boolean;
  runId?: string;
  /** Worktree watchers and the conflict radar (pass the config's `excludePaths`). */
  observe?: RunObserverOptions;
}

export interface StartedRun {
  runId: string;
  dir: string;
  journal: Journal;
  plan: Plan;
  resultBranch: string;
  baseCommit: string;
  overlaps: OverlapPair[];
  scheduler: Scheduler;
}

/**
 * A whole run from a validated plan: run folder, lock, journal, result branch, overlap report,
 * then the scheduler until the end. The plan and the start are journaled before anything runs.
 */
export async function runJob(options: RunJobOptions): Promise<{ run: StartedRun; state: RunState }> {
  const runId = options.runId ?? newRunId();
  const dir = runDir(options.commonDir, runId);
  const baseCommit = await resolveCommit(options.repo, options.baseRef);
  await assertRunRefsFree(options.repo, runId);
  const lock = await acquireRunLock(dir, runId);
  let journal: Journal | undefined;
  let started = false;
  try {
    journal = await Journal.open(dir, runId, { redact: options.redact });
    options.onJournal?.(journal);
    let plan = assertValidPlan(options.plan);
    const overlaps = predictOverlaps(plan, await listTrackedFiles(options.repo));
    if (options.serializeOverlaps && overlaps.length > 0) plan = serializeOverlaps(plan, overlaps);
    await writeFileAtomic(join(dir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
    const result = await ensureResultBranch(options.repo, runId, baseCommit);
    await journal.append({
      type: 'run.started',
      objective: plan.objective,
      repo: options.repo,
      baseRef: options.baseRef,
      baseCommit,
      resultBranch: result.branch,
      maxAgents: options.maxAgents,
      model: options.model,
      provider: options.provider,
      budget: options.budget,
      pid: process.pid,
      confinement: options.confinement,
    });
    started = true;
    if (overlaps.length > 0) {
      await journal.append({
        type: 'plan.overlaps',
        pairs: overlaps,
        serialized: options.serializeOverlaps ?? false,
      });
    }
    await journal.append({
      type: 'plan.ready',
      plan,
      source: options.planSource,
      usage: options.planUsage?.usage,
      costUsd: options.planUsage?.costUsd,
    });
    return await drive(journal, options, {
      repo: options.repo,
      runId,
      dir,
      plan,
      resultBranch: result.branch,
      baseCommit,
      overlaps,
    });
  } catch (error) {
    // A run that never started leaves no folder behind (resume could only say it does not exist).
    if (!started) {
      await journal?.close();
      journal = undefined;
      await rm(dir, { recursive: true, force: true });
    }
    throw error;
  } finally {
    await journal?.close();
    await lock.release();
  }
}

async function drive(
  journal: Journal,
  options: Pick<
    RunJobOptions,
    'executor' | 'maxAgents' | 'signal' | 'waitForReview' | 'onScheduler' | 'observe'
  >,
  partial: Omit<StartedRun, 'journal' | 'scheduler'> & { repo: string },
): Promise<{ run: StartedRun; state: RunState }> {
  // The executor needs the run (scheduler included) to exist, and the scheduler needs the executor.
  const holder: { executor?: ClosableExecutor } = {};
  const scheduler = new Scheduler({
    log: journal,
    maxAgents: options.maxAgents,
    signal: options.signal,
    waitForReview: options.waitForReview,
    runTask: (task, ctx) => (holder.executor as TaskExecutor)(task, ctx),
  });
  const { repo, ...started } = partial;
  const run: StartedRun = { ...started, journal, scheduler };
  holder.executor = await options.executor(run);
  options.onScheduler?.(run);
  // An attached `maestro tui` steers this run through the run folder's commands file.
  const commands = await followAttachedCommands(partial.dir, scheduler);
  // File watchers and the conflict radar; closed before the journal, whatever ends the run.
  const observers = startRunObservers(journal, repo, options.observe);
  try {
    const state = await scheduler.run();
    return { run, state };
  } finally {
    commands.close();
    await observers.close();
    // The merged tasks' worktrees waiting for a next task: removed (their branches stay).
    await holder.executor.close?.();
  }
}

export { drive as driveRun };
