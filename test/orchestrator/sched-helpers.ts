import { Journal } from '../../src/orchestrator/journal.js';
import type { Plan, Task } from '../../src/orchestrator/plan.js';
import type { TaskContext, TaskOutcome } from '../../src/orchestrator/scheduler.js';
import { tempDir } from '../helpers/repo.js';

export const planOf = (...tasks: [string, string[]?][]): Plan => ({
  objective: 'o',
  tasks: tasks.map(([id, dependsOn = []]) => ({
    id,
    title: id,
    instructions: `do ${id}`,
    files: [],
    dependsOn,
  })),
});

/** A journal holding run.started and plan.ready, as the CLI writes them before scheduling. */
export async function startedJournal(
  plan: Plan,
  options: { maxAgents?: number; runUsd?: number | null; taskUsd?: number | null } = {},
): Promise<Journal> {
  const journal = await Journal.open(await tempDir(), 'run');
  await journal.append({
    type: 'run.started',
    objective: plan.objective,
    repo: '/repo',
    baseRef: 'main',
    baseCommit: 'base0',
    resultBranch: 'maestro/run/result',
    maxAgents: options.maxAgents ?? 4,
    model: 'm',
    provider: 'openai',
    budget: { runUsd: options.runUsd ?? null, taskUsd: options.taskUsd ?? null },
    pid: process.pid,
  });
  await journal.append({ type: 'plan.ready', plan, source: 'file' });
  return journal;
}

export interface Interval {
  id: string;
  start: number;
  end: number;
  base: string;
}

/** Simulated work: waits `ms` (or until stopped), records its interval, returns `outcome(task)`. */
export function timedExecutor(
  ms: number,
  intervals: Interval[],
  outcome: (task: Task, ctx: TaskContext) => TaskOutcome | Promise<TaskOutcome> = (task) => ({
    kind: 'merged',
    commit: `m-${task.id}`,
  }),
) {
  return async (task: Task, ctx: TaskContext): Promise<TaskOutcome> => {
    const start = performance.now();
    await ctx.emit({
      type: 'task.started',
      taskId: task.id,
      agentId: `agent-${task.id}`,
      branch: `maestro/${ctx.runId}/tasks/${task.id}`,
      worktree: `/worktrees/${task.id}`,
      baseCommit: ctx.baseCommit,
      attempt: ctx.attempt,
    });
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      const timer = setTimeout(resolve, ms);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    intervals.push({ id: task.id, start, end: performance.now(), base: ctx.baseCommit });
    if (ctx.signal.aborted) return { kind: 'stopped', reason: String((ctx.signal.reason as Error).message) };
    return outcome(task, ctx);
  };
}
