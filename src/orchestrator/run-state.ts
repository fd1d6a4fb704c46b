import type { ConflictSummary, RunEvent, TaskState } from '../events.js';
import type { Plan } from './plan.js';
import { addUsage, emptyUsage, type Usage } from '../llm/types.js';
import { checkExhaustive } from '../errors.js';

export interface TaskView {
  id: string;
  title: string;
  dependsOn: string[];
  files: string[];
  state: TaskState;
  /** How many times the task was started (1 for the first run). */
  attempt: number;
  agentId?: string;
  /** The `maestro worker` running (or that ran) the task; absent when it ran on this machine. */
  worker?: string;
  branch?: string;
  worktree?: string;
  baseCommit?: string;
  /** Snapshot commits on the task branch, oldest first. */
  commits: string[];
  mergedCommit?: string;
  conflict?: { files: ConflictSummary[]; taskCommit: string; resultCommit: string };
  /** Files of its merge that git conflicted on and the structured merge settled. */
  structured: string[];
  usage: Usage;
  costUsd: number;
  /** Why it failed or stopped. */
  reason?: string;
  blockedBy?: string[];
  lastValidation?: { command: string; ok: boolean; exitCode: number | null };
  summary?: string;
  startedAt?: string;
  finishedAt?: string;
}

export type RunPhase = 'new' | 'running' | 'stopping' | 'finished';
export type RunOutcome = Extract<RunEvent, { type: 'run.finished' }>['status'];

export interface RunState {
  runId: string;
  phase: RunPhase;
  objective: string;
  repo?: string;
  baseRef?: string;
  baseCommit?: string;
  resultBranch?: string;
  /** The result branch head as last journaled (a merge or a resolution). */
  resultHead?: string;
  maxAgents: number;
  model?: string;
  provider?: string;
  budget: { runUsd: number | null; taskUsd: number | null };
  pid?: number;
  /** 'unconfined' when the user ran the agents without the OS sandbox (the latest start or resume says). */
  confinement?: 'sandboxed' | 'unconfined';
  plan?: Plan;
  /** Task ids in plan order. */
  order: string[];
  tasks: Record<string, TaskView>;
  usage: Usage;
  costUsd: number;
  overlaps: { a: string; b: string; files: string[] }[];
  budgetExceeded?: { scope: 'run' | 'task'; taskId?: string; limitUsd: number; spentUsd: number };
  stopReason?: string;
  outcome?: RunOutcome;
  startedAt?: string;
  finishedAt?: string;
  lastSeq: number;
}

export function initialRunState(runId: string): RunState {
  return {
    runId,
    phase: 'new',
    objective: '',
    maxAgents: 1,
    budget: { runUsd: null, taskUsd: null },
    order: [],
    tasks: {},
    usage: emptyUsage(),
    costUsd: 0,
    overlaps: [],
    lastSeq: 0,
  };
}

export function foldRun(runId: string, events: readonly RunEvent[]): RunState {
  return events.reduce(reduceRun, initialRunState(runId));
}

/** The run as a pure function of its events (scheduler, resume, status, reporters and cost use it). */
export function reduceRun(state: RunState, event: RunEvent): RunState {
  const next = { ...state, lastSeq: event.seq };
  const task = (id: string, patch: Partial<TaskView>): RunState => {
    const current = next.tasks[id];
    if (!current) return next;
    // The conflict belongs to the conflicted state: once the task leaves it (resolved, merged by
    // resume, retried, failed), its files no longer wait for review.
    const leaves = patch.state !== undefined && patch.state !== 'conflicted';
    const updated = { ...current, ...patch, ...(leaves && { conflict: undefined }) };
    return { ...next, tasks: { ...next.tasks, [id]: updated } };
  };
  switch (event.type) {
    case 'run.started':
      return {
        ...next,
        phase: 'running',
        objective: event.objective,
        repo: event.repo,
        baseRef: event.baseRef,
        baseCommit: event.baseCommit,
        resultBranch: event.resultBranch,
        resultHead: next.resultHead ?? event.baseCommit,
        maxAgents: event.maxAgents,
        model: event.model,
        provider: event.provider,
        budget: event.budget,
        pid: event.pid,
        ...(event.confinement && { confinement: event.confinement }),
        startedAt: event.time,
      };
    case 'run.resumed':
      return {
        ...next,
        phase: 'running',
        pid: event.pid,
        ...(event.confinement && { confinement: event.confinement }),
        outcome: undefined,
        finishedAt: undefined,
      };
    case 'plan.ready': {
      const tasks = Object.fromEntries(
        event.plan.tasks.map((t) => [
          t.id,
          next.tasks[t.id] ?? {
            id: t.id,
            title: t.title,
            dependsOn: t.dependsOn,
            files: t.files,
            state: 'pending' as const,
            attempt: 0,
            commits: [],
            structured: [],
            usage: emptyUsage(),
            costUsd: 0,
          },
        ]),
      );
      return {
        ...next,
        plan: event.plan,
        order: event.plan.tasks.map((t) => t.id),
        tasks,
        usage: event.usage ? addUsage(next.usage, event.usage) : next.usage,
        costUsd: next.costUsd + (event.costUsd ?? 0),
      };
    }
    case 'plan.overlaps':
    case 'radar.overlaps':
      return event.type === 'plan.overlaps' ? { ...next, overlaps: event.pairs } : next;
    case 'task.started':
      return task(event.taskId, {
        state: 'running',
        attempt: event.attempt,
        agentId: event.agentId,
        worker: event.worker,
        branch: event.branch,
        worktree: event.worktree,
        baseCommit: event.baseCommit,
        startedAt: event.time,
        finishedAt: undefined,
        reason: undefined,
      });
    case 'task.worktree_ready':
      return task(event.taskId, { worktree: event.worktree });
    case 'agent.usage': {
      const current = next.tasks[event.taskId];
      const withTask = current
        ? task(event.taskId, {
            usage: addUsage(current.usage, event.usage),
            costUsd: current.costUsd + event.costUsd,
          })
        : next;
      return { ...withTask, usage: addUsage(next.usage, event.usage), costUsd: next.costUsd + event.costUsd };
    }
    case 'agent.finished':
      return task(event.taskId, { summary: event.summary });
    case 'task.committed':
      return task(event.taskId, { commits: [...(next.tasks[event.taskId]?.commits ?? []), event.commit] });
    case 'task.validating':
      return task(event.taskId, { state: 'validating' });
    case 'task.merging':
      return task(event.taskId, { state: 'merging' });
    case 'task.validated':
      return task(event.taskId, {
        lastValidation: { command: event.command, ok: event.ok, exitCode: event.exitCode },
      });
    case 'task.merged':
      return {
        ...task(event.taskId, {
          state: 'merged',
          mergedCommit: event.commit,
          finishedAt: event.time,
          structured: event.structured ?? [],
        }),
        resultHead: event.commit,
      };
    case 'task.conflicted':
      return task(event.taskId, {
        state: 'conflicted',
        finishedAt: event.time,
        conflict: { files: event.files, taskCommit: event.taskCommit, resultCommit: event.resultCommit },
        structured: event.structured ?? [],
      });
    case 'conflict.resolved': {
      const next = {
        ...task(event.taskId, {
          state: 'merged' as const,
          mergedCommit: event.commit,
          finishedAt: event.time,
        }),
        resultHead: event.commit,
      };
      // A run that finished with conflicts is fully merged once the last one is resolved.
      const allMerged = next.order.every((id) => next.tasks[id]?.state === 'merged');
      return next.outcome === 'conflicts' && allMerged ? { ...next, outcome: 'merged' } : next;
    }
    case 'task.failed':
      return task(event.taskId, { state: 'failed', reason: event.reason, finishedAt: event.time });
    case 'task.blocked':
      return task(event.taskId, { state: 'blocked', blockedBy: event.by });
    case 'task.paused':
      return task(event.taskId, { state: 'paused' });
    case 'task.resumed':
      return task(event.taskId, { state: 'running' });
    case 'task.stopped':
      return task(event.taskId, { state: 'stopped', reason: event.reason, finishedAt: event.time });
    case 'task.retried': {
      // Dependents blocked by this task wait again; the scheduler re-blocks them if another cause remains.
      let out = task(event.taskId, { state: 'pending', reason: undefined, blockedBy: undefined });
      for (const other of Object.values(out.tasks)) {
        if (other.state === 'blocked' && other.blockedBy?.includes(event.taskId)) {
          out = {
            ...out,
            tasks: { ...out.tasks, [other.id]: { ...other, state: 'pending', blockedBy: undefined } },
          };
        }
      }
      return out;
    }
    case 'budget.exceeded':
      return {
        ...next,
        budgetExceeded: {
          scope: event.scope,
          taskId: event.taskId,
          limitUsd: event.limitUsd,
          spentUsd: event.spentUsd,
        },
      };
    case 'budget.changed': {
      // A reached cap that is no longer the one in force stops nothing any more.
      const reached = next.budgetExceeded;
      const inForce = reached && (reached.scope === 'run' ? event.budget.runUsd : event.budget.taskUsd);
      return {
        ...next,
        budget: event.budget,
        budgetExceeded: reached && inForce === reached.limitUsd ? reached : undefined,
      };
    }
    case 'run.stopping':
      return { ...next, phase: 'stopping', stopReason: event.reason };
    case 'run.finished':
      return { ...next, phase: 'finished', outcome: event.status, finishedAt: event.time };
    case 'agent.text':
    case 'agent.tool_call':
    case 'agent.tool_result':
    case 'agent.files_changed':
    case 'finding.published':
    case 'conflict.pick':
    case 'log':
      return next;
    default:
      return checkExhaustive(event);
  }
}

export function tasksIn(state: RunState, ...states: TaskState[]): string[] {
  return state.order.filter((id) => states.includes(state.tasks[id]?.state ?? 'pending'));
}
