import type { Task } from './plan.js';
import type { ConflictSummary } from '../events.js';
import type { TaskContext, TaskOutcome } from './scheduler.js';
import type { Usage } from '../llm/types.js';
import { mergeAllIntoResult } from '../git/merge.js';
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

/** What the run last knew of the result branch: its head and that head's tree. */
interface MergeHint {
  resultHead?: string;
  resultTree?: string;
}

interface Waiting {
  task: Task;
  theirs: string;
  message: string;
  outcome?: Promise<TaskOutcome>;
}

/**
 * Merges tasks' commits into the result branch, one merge at a time per run (the scheduler's
 * `serializeMerge`). Tasks that finish while a merge runs wait together and land as one batch:
 * each its own merge commit on the one before, the branch moved once (`mergeAllIntoResult`), so a
 * busy run pays two git calls a task rather than three, and one wait. The message says who did
 * what; its trailers are what `resume` trusts to know a task merged. The hint carries the result
 * head the run last saw (saves reading it); a stale hint only costs a lost compare-and-swap.
 */
export class MergeQueue {
  private waiting: Waiting[] = [];
  private readonly hint: MergeHint = {};

  constructor(
    private readonly repo: string,
    private readonly structured?: StructuredMerger,
  ) {}

  merge(ctx: TaskContext, task: Task, theirs: string, credits: MergeCredits): Promise<TaskOutcome> {
    const entry: Waiting = { task, theirs, message: mergeMessage(ctx.runId, task, credits) };
    this.waiting.push(entry);
    return ctx.serializeMerge(() => {
      // The first of the waiting tasks to get its turn merges all of them; the others find theirs done.
      if (!entry.outcome) this.land(ctx.runId, this.waiting.splice(0));
      return entry.outcome as Promise<TaskOutcome>;
    });
  }

  private land(runId: string, batch: Waiting[]): void {
    const together = this.mergeBatch(runId, batch).then(
      (outcomes) => ({ outcomes }),
      (error: unknown) => ({ error }),
    );
    let previous: Promise<unknown> = Promise.resolve();
    batch.forEach((entry, i) => {
      const outcome = previous.then(async () => {
        const landed = await together;
        if ('outcomes' in landed) return landed.outcomes[i] as TaskOutcome;
        if (batch.length === 1) throw landed.error;
        // A merge of the batch failed: each task merges alone, in order, so a failure is its own.
        return (await this.mergeBatch(runId, [entry]))[0] as TaskOutcome;
      });
      previous = outcome.catch(() => undefined);
      outcome.catch(() => undefined);
      entry.outcome = outcome;
    });
  }

  private async mergeBatch(runId: string, batch: Waiting[]): Promise<TaskOutcome[]> {
    const { hint } = this;
    // A lost compare-and-swap means someone else moved the branch: merge again on top of it.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const result = await mergeAllIntoResult(this.repo, {
        runId,
        tasks: batch.map((entry) => ({
          taskId: entry.task.id,
          theirs: entry.theirs,
          message: entry.message,
        })),
        ...(this.structured && { structured: this.structured }),
        ...(hint.resultHead !== undefined && { expected: hint.resultHead, expectedTree: hint.resultTree }),
      });
      if (result.status === 'race-lost') {
        Object.assign(hint, { resultHead: result.actual ?? undefined, resultTree: undefined });
        continue;
      }
      Object.assign(hint, { resultHead: result.commit, resultTree: result.tree });
      let head = result.previous;
      return result.tasks.map((task): TaskOutcome => {
        switch (task.status) {
          case 'merged':
            head = task.commit;
            return { kind: 'merged', commit: task.commit, structured: task.structured };
          case 'up-to-date':
            return { kind: 'merged', commit: head };
          case 'conflicted':
            return {
              kind: 'conflicted',
              files: task.conflicts.map(summarize),
              taskCommit: task.theirs,
              resultCommit: task.ours,
              structured: task.structured,
            };
        }
      });
    }
    const ids = batch.map((entry) => entry.task.id).join(', ');
    throw new MaestroError(`The result branch kept moving while merging task ${ids}; retry the task.`);
  }
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
