import type { Task } from './plan.js';
import type { ConflictSummary } from '../events.js';
import type { TaskContext, TaskOutcome } from './scheduler.js';
import type { Usage } from '../llm/types.js';
import { mergeIntoResult } from '../git/merge.js';
import { withTrailers } from '../git/snapshot.js';
import type { ConflictFile } from '../git/conflict-types.js';
import { MaestroError } from '../errors.js';
import type { StructuredMerger } from '../git/structured/structured-merge.js';

export interface MergeCredits {
  agentId: string;
  model: string;
  provider: string;
  usage: Usage;
  costUsd: number;
}

/**
 * Merge a task's commit into the result branch (one merge at a time per run). The message says who
 * did what; its trailers are what `resume` trusts to know a task merged. `hint` carries the result
 * head the run last saw (saves reading it); a stale hint only costs a lost compare-and-swap.
 */
/** What the run last knew of the result branch: its head and that head's tree. */
export interface MergeHint {
  resultHead?: string;
  resultTree?: string;
}

export async function mergeTask(
  repo: string,
  ctx: TaskContext,
  task: Task,
  theirs: string,
  credits: MergeCredits,
  hint: MergeHint = {},
  structured?: StructuredMerger,
): Promise<TaskOutcome> {
  const message = mergeMessage(ctx.runId, task, credits);
  return ctx.serializeMerge(async () => {
    // A lost compare-and-swap means someone else moved the branch: merge again on top of it.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const result = await mergeIntoResult(repo, {
        runId: ctx.runId,
        taskId: task.id,
        theirs,
        message,
        ...(structured && { structured }),
        ...(hint.resultHead !== undefined && { expected: hint.resultHead, expectedTree: hint.resultTree }),
      });
      switch (result.status) {
        case 'merged':
          Object.assign(hint, { resultHead: result.commit, resultTree: result.tree });
          return { kind: 'merged', commit: result.commit, structured: result.structured };
        case 'up-to-date':
          return { kind: 'merged', commit: result.commit };
        case 'conflicted':
          return {
            kind: 'conflicted',
            files: result.conflicts.map(summarize),
            taskCommit: result.theirs,
            resultCommit: result.ours,
            structured: result.structured,
          };
        case 'race-lost':
          Object.assign(hint, { resultHead: result.actual ?? undefined, resultTree: undefined });
          continue;
      }
    }
    throw new MaestroError(`The result branch kept moving while merging task ${task.id}; retry the task.`);
  });
}

export function mergeMessage(runId: string, task: Task, credits: MergeCredits): string {
  const tokens = credits.usage.inputTokens + credits.usage.cachedInputTokens + credits.usage.cacheWriteTokens;
  const body = [
    `maestro: merge task ${task.id}: ${task.title}`,
    '',
    `Agent ${credits.agentId} (${credits.provider} ${credits.model}) did this task:`,
    `${tokens} input tokens (${credits.usage.cachedInputTokens} cached), ${credits.usage.outputTokens} output tokens, $${credits.costUsd.toFixed(4)}.`,
  ].join('\n');
  return withTrailers(body, [
    ['Maestro-Run', runId],
    ['Maestro-Task', task.id],
    ['Maestro-Agent', credits.agentId],
    ['Maestro-Model', credits.model],
    ['Maestro-Tokens', `${tokens} in, ${credits.usage.outputTokens} out`],
    ['Maestro-Cost-Usd', credits.costUsd.toFixed(4)],
  ]);
}

function summarize(file: ConflictFile): ConflictSummary {
  return { path: file.path, kind: file.kind, hunks: file.hunks.length };
}
