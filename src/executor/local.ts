import type { TaskExecutor } from '../orchestrator/scheduler.js';
import { mergeTask, type MergeHint } from '../orchestrator/task-merge.js';
import { runHooks } from '../plugins/hooks.js';
import { StructuredMerger } from '../git/structured/structured-merge.js';
import type { TaskWork, TaskWorkDeps } from './types.js';
import { createTaskWork } from './task-work.js';

/**
 * The default executor: each task's work runs in a worktree on this machine, then lands in the
 * result branch. Another executor (a job queue) swaps only `work`; the landing is the same.
 */
export function createLocalExecutor(deps: TaskWorkDeps): TaskExecutor {
  return landingExecutor(deps, createTaskWork(deps));
}

/** Runs `work` and merges what it committed into the result branch (one merge at a time). */
export function landingExecutor(
  deps: Pick<TaskWorkDeps, 'repo' | 'runId' | 'plugins' | 'config'>,
  work: TaskWork,
): TaskExecutor {
  // The result head after this run's last merge: merges run one at a time, so it is usually current.
  const mergeHint: MergeHint = {};
  // The parser (WebAssembly) loads on the first conflict it is asked about, not before.
  const structured = deps.config.merge.structured ? new StructuredMerger() : undefined;
  return async (task, ctx) => {
    const outcome = await work(task, ctx);
    if (outcome.kind !== 'done') return outcome;
    const { head, credits } = outcome;
    const merged = await mergeTask(deps.repo, ctx, task, head, credits, mergeHint, structured);
    if (merged.kind === 'merged') {
      const where = { runId: deps.runId, task, worktree: outcome.worktree };
      await runHooks(deps.plugins ?? [], 'afterMerge', { ...where, commit: merged.commit });
    }
    return merged;
  };
}
