import type { RunEvent, TaskState } from '../../events.js';
import { checkExhaustive } from '../../errors.js';
import { limits, type ActivityEntry, type RunView, type TaskView, type Tokens } from './run-view.js';

export * from './run-view.js';

function newTask(id: string, title = id, dependsOn: string[] = []): TaskView {
  return {
    id,
    title,
    dependsOn,
    state: 'pending',
    attempt: 0,
    filesChanged: new Set(),
    tokens: { input: 0, cached: 0, output: 0 },
    costUsd: 0,
    activity: [],
  };
}

function capTail<T>(items: T[], max: number): T[] {
  return items.length > max ? items.slice(items.length - max) : items;
}

function tailChars(text: string, max: number): string {
  return text.length > max ? '…' + text.slice(text.length - max + 1) : text;
}

function summarizeArgs(args: unknown): string {
  if (args === undefined || args === null) return '';
  if (typeof args === 'string') return args;
  if (typeof args === 'object') {
    const record = args as Record<string, unknown>;
    // The argument a reader cares about first: the path or command the tool acts on.
    for (const key of ['path', 'file', 'command', 'pattern', 'query']) {
      if (typeof record[key] === 'string') return record[key];
    }
  }
  return JSON.stringify(args).slice(0, 200);
}

/**
 * Streamed text past the cap loses its older half at once, not a few characters per token: a
 * sliding window would re-wrap, and so redraw, every line of the pane on every token.
 */
function trimStream(text: string): string {
  if (text.length <= limits.textChars) return text;
  const keep = text.slice(text.length - Math.floor(limits.textChars / 2));
  const newline = keep.indexOf('\n');
  return newline >= 0 && newline < 200 ? keep.slice(newline + 1) : keep;
}

function pushActivity(task: TaskView, entry: ActivityEntry): ActivityEntry[] {
  const last = task.activity[task.activity.length - 1];
  if (entry.kind === 'text' && last?.kind === 'text') {
    const merged = { kind: 'text' as const, text: trimStream(last.text + entry.text) };
    return [...task.activity.slice(0, -1), merged];
  }
  if (entry.kind === 'files' && last?.kind === 'files') {
    const byPath = new Map(last.files.map((file) => [file.path, file]));
    for (const file of entry.files) byPath.set(file.path, file);
    return [...task.activity.slice(0, -1), { kind: 'files', files: [...byPath.values()] }];
  }
  return capTail([...task.activity, entry], limits.activity);
}

function status(text: string, tone: 'info' | 'good' | 'bad' = 'info'): ActivityEntry {
  return { kind: 'status', text, tone };
}

function time(event: RunEvent): number {
  const parsed = Date.parse(event.time);
  return Number.isNaN(parsed) ? 0 : parsed;
}

function withTask(view: RunView, taskId: string, update: (task: TaskView) => TaskView): RunView {
  const tasks = new Map(view.tasks);
  const known = tasks.get(taskId);
  const updated = update(known ?? newTask(taskId));
  // As the run's state folds it: conflicts belong to the conflicted state and go when the task leaves it.
  tasks.set(taskId, updated.state === 'conflicted' ? updated : { ...updated, conflicts: undefined });
  const order = known ? view.order : [...view.order, taskId];
  return { ...view, tasks, order };
}

function ended(task: TaskView, state: TaskState, at: number, extra: Partial<TaskView> = {}): TaskView {
  return { ...task, state, endedAt: task.endedAt ?? at, ...extra };
}

/** Applies one event. Pure: returns a new view, never mutates. Events at or below `lastSeq` are ignored. */
export function reduceRun(view: RunView, event: RunEvent): RunView {
  if (event.seq <= view.lastSeq) return view;
  const next = applyEvent({ ...view, lastSeq: event.seq, runId: view.runId ?? event.runId }, event);
  return next;
}

/** Applies a batch in order (what the TUI does once per frame). */
export function reduceRunBatch(view: RunView, events: readonly RunEvent[]): RunView {
  let next = view;
  for (const event of events) next = reduceRun(next, event);
  return next;
}

const unconfinedWarning = {
  level: 'warn' as const,
  message: 'sandbox off: agent commands, validation, hooks and agent CLIs run UNCONFINED',
};

function applyEvent(view: RunView, event: RunEvent): RunView {
  const at = time(event);
  switch (event.type) {
    case 'run.started':
      return {
        ...view,
        objective: event.objective,
        repo: event.repo,
        baseRef: event.baseRef,
        baseCommit: event.baseCommit,
        resultBranch: event.resultBranch,
        budget: event.budget,
        phase: view.order.length > 0 ? 'running' : 'planning',
        startedAt: view.startedAt ?? at,
        log: event.confinement === 'unconfined' ? [...view.log, unconfinedWarning] : view.log,
      };
    case 'run.resumed':
      return {
        ...view,
        phase: 'running',
        finishedAt: undefined,
        log: event.confinement === 'unconfined' ? [...view.log, unconfinedWarning] : view.log,
      };
    case 'plan.ready': {
      const tasks = new Map(view.tasks);
      for (const task of event.plan.tasks) {
        const known = tasks.get(task.id) ?? newTask(task.id);
        tasks.set(task.id, { ...known, title: task.title, dependsOn: task.dependsOn });
      }
      const planned = event.plan.tasks.map((task) => task.id);
      const extra = view.order.filter((id) => !planned.includes(id));
      const objective = view.objective || event.plan.objective;
      return { ...view, objective, tasks, order: [...planned, ...extra], phase: 'running' };
    }
    case 'plan.overlaps':
      return view;
    case 'task.started':
      return withTask(view, event.taskId, (task) => ({
        ...task,
        state: 'starting',
        attempt: event.attempt,
        worker: event.worker,
        branch: event.branch,
        worktree: event.worktree,
        baseCommit: event.baseCommit,
        startedAt: at,
        endedAt: undefined,
        reason: undefined,
        activity: pushActivity(
          task,
          status(
            `attempt ${event.attempt} started on ${event.branch}${event.worker ? ` (worker ${event.worker})` : ''}`,
          ),
        ),
      }));
    case 'task.worktree_ready':
      return withTask(view, event.taskId, (task) => ({
        ...task,
        state: 'running',
        worktree: event.worktree,
      }));
    case 'agent.text':
      return withTask(view, event.taskId, (task) => ({
        ...task,
        state: task.state === 'starting' ? 'running' : task.state,
        activity: pushActivity(task, { kind: 'text', text: event.text }),
      }));
    case 'agent.tool_call':
      return withTask(view, event.taskId, (task) => ({
        ...task,
        state: task.state === 'starting' ? 'running' : task.state,
        activity: pushActivity(task, {
          kind: 'tool',
          callId: event.callId,
          name: event.name,
          args: summarizeArgs(event.args),
        }),
      }));
    case 'agent.tool_result':
      return withTask(view, event.taskId, (task) => {
        const result = { ok: event.ok, output: tailChars(event.output, limits.toolOutputChars) };
        const index = task.activity.findLastIndex(
          (entry) => entry.kind === 'tool' && entry.callId === event.callId,
        );
        const entry = task.activity[index];
        if (entry?.kind !== 'tool') {
          const orphan: ActivityEntry = {
            kind: 'tool',
            callId: event.callId,
            name: event.name,
            args: '',
            result,
          };
          return { ...task, activity: pushActivity(task, orphan) };
        }
        const activity = [...task.activity];
        activity[index] = { ...entry, result };
        return { ...task, activity };
      });
    case 'agent.usage': {
      const usage = event.usage;
      const add = (tokens: Tokens): Tokens => ({
        input: tokens.input + usage.inputTokens + usage.cacheWriteTokens,
        cached: tokens.cached + usage.cachedInputTokens,
        output: tokens.output + usage.outputTokens,
      });
      const next = withTask(view, event.taskId, (task) => ({
        ...task,
        tokens: add(task.tokens),
        costUsd: task.costUsd + event.costUsd,
      }));
      return { ...next, tokens: add(view.tokens), costUsd: view.costUsd + event.costUsd };
    }
    case 'agent.files_changed':
      return withTask(view, event.taskId, (task) => {
        const filesChanged = new Set(task.filesChanged);
        for (const file of event.files) filesChanged.add(file.path);
        return { ...task, filesChanged, activity: pushActivity(task, { kind: 'files', files: event.files }) };
      });
    case 'agent.finished':
      return withTask(view, event.taskId, (task) => ({
        ...task,
        activity: pushActivity(task, status(`finished: ${event.summary}`, 'good')),
      }));
    case 'finding.published': {
      const finding = { seq: event.seq, taskId: event.taskId, text: event.text, files: event.files };
      return { ...view, findings: capTail([...view.findings, finding], limits.findings) };
    }
    case 'task.committed':
      return withTask(view, event.taskId, (task) => ({
        ...task,
        activity: pushActivity(
          task,
          status(`committed ${event.commit.slice(0, 8)} (+${event.insertions} -${event.deletions})`),
        ),
      }));
    case 'task.validating':
      return withTask(view, event.taskId, (task) => ({
        ...task,
        state: 'validating',
        activity: pushActivity(task, status(`validating: ${event.command}`)),
      }));
    case 'task.merging':
      return withTask(view, event.taskId, (task) => ({
        ...task,
        state: 'merging',
        activity: pushActivity(task, status('waiting to merge')),
      }));
    case 'task.validated':
      return withTask(view, event.taskId, (task) => ({
        ...task,
        activity: pushActivity(
          task,
          status(`${event.ok ? 'passed' : 'failed'}: ${event.command}`, event.ok ? 'good' : 'bad'),
        ),
      }));
    case 'task.merged':
      return withTask(view, event.taskId, (task) =>
        ended(task, 'merged', at, { activity: pushActivity(task, status('merged', 'good')) }),
      );
    case 'task.conflicted':
      return withTask(view, event.taskId, (task) =>
        ended(task, 'conflicted', at, {
          conflicts: event.files,
          activity: pushActivity(task, status(`conflicts in ${event.files.length} file(s)`, 'bad')),
        }),
      );
    case 'task.failed':
      return withTask(view, event.taskId, (task) =>
        ended(task, 'failed', at, {
          reason: event.reason,
          activity: pushActivity(task, status(`failed: ${event.reason}`, 'bad')),
        }),
      );
    case 'task.blocked':
      return withTask(view, event.taskId, (task) => ({
        ...task,
        state: 'blocked',
        reason: event.by.join(', '),
      }));
    case 'task.paused':
      return withTask(view, event.taskId, (task) => ({ ...task, state: 'paused' }));
    case 'task.resumed':
      return withTask(view, event.taskId, (task) => ({ ...task, state: 'running' }));
    case 'task.stopped':
      return withTask(view, event.taskId, (task) =>
        ended(task, 'stopped', at, { reason: event.reason, activity: pushActivity(task, status('stopped')) }),
      );
    case 'task.retried':
      return withTask(view, event.taskId, (task) => ({
        ...task,
        state: 'pending',
        reason: undefined,
        endedAt: undefined,
      }));
    case 'conflict.pick':
      return view;
    case 'conflict.resolved': {
      const next = withTask(view, event.taskId, (task) =>
        ended(task, 'merged', at, {
          activity: pushActivity(task, status(`conflicts resolved by ${event.resolvedBy}`, 'good')),
        }),
      );
      // As the run's state folds it: a run that finished with conflicts is merged once the last one is resolved.
      const allMerged = next.order.every((id) => next.tasks.get(id)?.state === 'merged');
      return next.finalStatus === 'conflicts' && allMerged ? { ...next, finalStatus: 'merged' } : next;
    }
    case 'radar.overlaps':
      return { ...view, radar: event.pairs };
    case 'budget.exceeded':
      return { ...view, budgetExceeded: view.budgetExceeded || event.scope === 'run' };
    case 'budget.changed':
      return {
        ...view,
        budget: event.budget,
        budgetExceeded: view.budgetExceeded && event.budget.runUsd === view.budget.runUsd,
      };
    case 'run.stopping':
      return { ...view, phase: 'stopping' };
    case 'run.finished':
      return { ...view, phase: 'finished', finalStatus: event.status, finishedAt: at, radar: [] };
    case 'log':
      return {
        ...view,
        log: capTail([...view.log, { level: event.level, message: event.message }], limits.log),
      };
    default:
      return checkExhaustive(event);
  }
}
