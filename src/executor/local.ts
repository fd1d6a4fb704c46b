import type { ClosableExecutor, TaskExecutor } from '../orchestrator/scheduler.js';
import { MergeQueue } from '../orchestrator/task-merge.js';
import { runHooks } from '../plugins/hooks.js';
import { StructuredMerger } from '../git/structured/structured-merge.js';
import type { Landed, TaskWork, TaskWorkDeps } from './types.js';
import { createTaskWork, taskWorktreePool } from './task-work.js';

/**
 * The default executor: each task's work runs in a worktree on this machine, then lands in the
 * result branch. Another executor (a job queue) swaps only `work`; the landing is the same.
 */
export function createLocalExecutor(deps: TaskWorkDeps): ClosableExecutor {
  // The landing merges commits; only a plugin's afterMerge hook is given the worktree after it.
  const afterMerge = (deps.plugins ?? []).some((plugin) => plugin.hooks?.afterMerge !== undefined);
  return landingExecutor(
    deps,
    createTaskWork(deps, taskWorktreePool(deps, { lendBeforeLanding: !afterMerge })),
  );
}

/** Runs `work` and merges what it committed into the result branch (one merge at a time). */
export function landingExecutor(
  deps: Pick<TaskWorkDeps, 'repo' | 'runId' | 'plugins' | 'config'>,
  work: TaskWork & { close?: () => Promise<void> },
): ClosableExecutor {
  // The parser (WebAssembly) loads on the first conflict it is asked about, not before.
  const merges = new MergeQueue(deps.repo, deps.config.merge.structured ? new StructuredMerger() : undefined);
  const execute: TaskExecutor = async (task, ctx) => {
    const outcome = await work(task, ctx);
    if (outcome.kind !== 'done') return outcome;
    const { head, credits } = outcome;
    let landed: Landed = 'kept';
    try {
      const merged = await merges.merge(ctx, task, head, credits);
      if (merged.kind === 'merged') {
        const where = { runId: deps.runId, task, worktree: outcome.worktree };
        await runHooks(deps.plugins ?? [], 'afterMerge', { ...where, commit: merged.commit });
        landed = 'merged';
      }
      return merged;
    } finally {
      // A conflicted task, or a landing that threw, keeps its worktree for review and resume.
      await outcome.release?.(landed);
    }
  };
  return Object.assign(execute, { close: () => work.close?.() ?? Promise.resolve() });
}
