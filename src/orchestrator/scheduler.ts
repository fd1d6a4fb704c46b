import type { ConflictSummary, RunEvent, RunEventBody } from '../events.js';
import type { Task } from './plan.js';
import { decide } from './schedule-decide.js';
import { initialRunState, reduceRun, type RunState } from './run-state.js';
import { PauseGate } from './pause-gate.js';
import { MaestroError } from '../errors.js';

/** What the scheduler needs of the journal: append (durable) and the bus. */
export interface EventLog {
  append(body: RunEventBody): Promise<RunEvent>;
  subscribe(listener: (event: RunEvent) => void): () => void;
  history(): RunEvent[];
}

export interface TaskContext {
  runId: string;
  attempt: number;
  /** Where the task branches from: the run's base, or for a dependent the result head after its deps merged. */
  baseCommit: string;
  resultBranch: string;
  /** Aborted when the task must stop (user, Ctrl-C, budget): commit the work so far and return 'stopped'. */
  signal: AbortSignal;
  /** Journal an event of this task (agent output, commits, validation, usage). */
  emit(body: RunEventBody): Promise<RunEvent>;
  /** Agents await this between turns: it holds while the user paused the task. */
  pause: PauseGate;
  /**
   * Merges into the result branch run one at a time through this. Calling it also says the task's
   * agent is done: its slot goes to the next task while this one waits for its turn to merge.
   */
  serializeMerge<T>(fn: () => Promise<T>): Promise<T>;
}

export type TaskOutcome =
  | { kind: 'merged'; commit: string; structured?: string[] }
  | {
      kind: 'conflicted';
      files: ConflictSummary[];
      taskCommit: string;
      resultCommit: string;
      structured?: string[];
    }
  | { kind: 'failed'; reason: string }
  | { kind: 'stopped'; reason: string };

/** The effectful half of a task (worktree, agent, validation, merge), injected so tests and the CLI pick one. */
export type TaskExecutor = (task: Task, ctx: TaskContext) => Promise<TaskOutcome>;

export interface SchedulerOptions {
  log: EventLog;
  runTask: TaskExecutor;
  maxAgents: number;
  /** Aborting it stops the run gracefully (Ctrl-C). */
  signal?: AbortSignal;
  waitForReview?: boolean;
  now?: () => number;
}

interface Running {
  controller: AbortController;
  pause: PauseGate;
  done: Promise<void>;
}

/**
 * Runs a planned run to its end: starts every task whose dependencies merged the moment a slot is
 * free, blocks what a failure makes impossible, enforces the budget and stops gracefully.
 * Expects `run.started` and `plan.ready` in the log already (or a resumed run's history).
 */
export class Scheduler {
  private state: RunState;
  private readonly inFlight = new Map<string, Running>();
  /** In-flight tasks that only wait to merge (their agent slot is free). */
  private readonly merging = new Set<string>();
  private stopping = false;
  private wakeUp: (() => void) | undefined;
  private pokes = 0;
  private mergeChain: Promise<unknown> = Promise.resolve();
  private failure: unknown;
  private readonly options: SchedulerOptions;

  constructor(options: SchedulerOptions) {
    this.options = options;
    const history = options.log.history();
    const runId = history[0]?.runId ?? '';
    this.state = history.reduce(reduceRun, initialRunState(runId));
  }

  get current(): RunState {
    return this.state;
  }

  /** Drive the run until it is over; resolves with the final state after `run.finished`. */
  async run(): Promise<RunState> {
    const started = (this.options.now ?? Date.now)();
    const unsubscribe = this.options.log.subscribe((event) => this.observe(event));
    const onAbort = (): void =>
      void this.stopRun('interrupted (Ctrl-C)').catch((e: unknown) => this.fatal(e));
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.options.signal?.aborted) onAbort();
    try {
      for (;;) {
        if (this.failure !== undefined) throw this.failure;
        const seen = this.pokes;
        const decision = decide(this.state, {
          inFlight: new Set(this.inFlight.keys()),
          merging: this.merging,
          maxAgents: this.options.maxAgents,
          stopping: this.stopping,
          waitForReview: this.options.waitForReview ?? false,
        });
        for (const { taskId, by } of decision.block)
          await this.options.log.append({ type: 'task.blocked', taskId, by });
        if (decision.runBudget) {
          await this.options.log.append({ type: 'budget.exceeded', scope: 'run', ...decision.runBudget });
          await this.stopRun(`run budget of $${decision.runBudget.limitUsd} reached`);
        }
        for (const id of decision.start) this.launch(id);
        if (decision.finished && this.inFlight.size === 0) {
          const finished = this.state;
          const ids = (s: string): string[] => finished.order.filter((id) => finished.tasks[id]?.state === s);
          await this.options.log.append({
            type: 'run.finished',
            status: decision.finished,
            merged: ids('merged'),
            failed: finished.order.filter((id) =>
              ['failed', 'blocked', 'stopped'].includes(finished.tasks[id]?.state ?? ''),
            ),
            conflicted: ids('conflicted'),
            costUsd: finished.costUsd,
            durationMs: (this.options.now ?? Date.now)() - started,
          });
          return this.state;
        }
        if (decision.block.length > 0 || decision.start.length > 0 || decision.runBudget) continue;
        if (this.pokes === seen) await new Promise<void>((resolve) => (this.wakeUp = resolve));
      }
    } finally {
      // On a fatal error (the journal cannot be written) no agent may keep working unrecorded.
      for (const running of this.inFlight.values())
        running.controller.abort(new StopRequest('orchestrator error'));
      this.options.signal?.removeEventListener('abort', onAbort);
      unsubscribe();
    }
  }

  /** Stop every agent (work so far is committed to task branches) and finish the run. */
  async stopRun(reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.options.log.append({ type: 'run.stopping', reason });
    for (const running of this.inFlight.values()) running.controller.abort(new StopRequest(reason));
    this.poke();
  }

  stopTask(taskId: string, reason = 'stopped by the user'): void {
    this.inFlight.get(taskId)?.controller.abort(new StopRequest(reason));
  }

  async pauseTask(taskId: string): Promise<void> {
    const running = this.inFlight.get(taskId);
    if (!running || running.pause.paused) return;
    running.pause.pause();
    await this.options.log.append({ type: 'task.paused', taskId });
  }

  async resumeTask(taskId: string): Promise<void> {
    const running = this.inFlight.get(taskId);
    if (!running?.pause.paused) return;
    await this.options.log.append({ type: 'task.resumed', taskId });
    running.pause.resume();
  }

  /** Run a failed, stopped or conflicted task again (its blocked dependents wait for it again). */
  async retryTask(taskId: string): Promise<void> {
    const state = this.state.tasks[taskId]?.state;
    if (this.stopping || this.inFlight.has(taskId)) return;
    if (state !== 'failed' && state !== 'stopped' && state !== 'conflicted') return;
    await this.options.log.append({ type: 'task.retried', taskId });
    this.poke();
  }

  private launch(taskId: string): void {
    const task = this.state.plan?.tasks.find((t) => t.id === taskId);
    const view = this.state.tasks[taskId];
    if (!task || !view) throw new MaestroError(`task ${taskId} is not in the plan`);
    const controller = new AbortController();
    const pause = new PauseGate();
    const baseCommit = (task.dependsOn.length === 0 ? this.state.baseCommit : this.state.resultHead) ?? '';
    const ctx: TaskContext = {
      runId: this.state.runId,
      attempt: view.attempt + 1,
      baseCommit,
      resultBranch: this.state.resultBranch ?? '',
      signal: controller.signal,
      emit: (body) => this.options.log.append(body),
      pause,
      serializeMerge: (fn) => {
        this.merging.add(taskId);
        this.poke();
        return this.serializeMerge(fn);
      },
    };
    const done = this.execute(task, ctx)
      .then((outcome) => this.options.log.append(terminalEvent(taskId, outcome, ctx.resultBranch)))
      .catch((error: unknown) => this.fatal(error))
      .finally(() => {
        this.inFlight.delete(taskId);
        this.merging.delete(taskId);
        this.poke();
      });
    this.inFlight.set(taskId, { controller, pause, done: done.then(() => undefined) });
  }

  private async execute(task: Task, ctx: TaskContext): Promise<TaskOutcome> {
    try {
      return await this.options.runTask(task, ctx);
    } catch (error) {
      if (ctx.signal.aborted) return { kind: 'stopped', reason: stopReason(ctx.signal) };
      return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  private serializeMerge<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.mergeChain.then(fn);
    this.mergeChain = result.catch(() => undefined);
    return result;
  }

  private observe(event: RunEvent): void {
    this.state = reduceRun(this.state, event);
    if (event.type === 'agent.usage') this.checkTaskBudget(event.taskId);
    this.poke();
  }

  private checkTaskBudget(taskId: string): void {
    const limit = this.state.budget.taskUsd;
    const task = this.state.tasks[taskId];
    const running = this.inFlight.get(taskId);
    if (limit === null || !task || !running || task.costUsd < limit || running.controller.signal.aborted)
      return;
    const reason = `task budget of $${limit} reached`;
    running.controller.abort(new StopRequest(reason));
    this.options.log
      .append({ type: 'budget.exceeded', scope: 'task', taskId, limitUsd: limit, spentUsd: task.costUsd })
      .catch((error: unknown) => this.fatal(error));
  }

  private poke(): void {
    this.pokes += 1;
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  private fatal(error: unknown): void {
    this.failure ??= error;
    this.poke();
  }
}

/** The reason given to an AbortController when maestro asks a task to stop. */
export class StopRequest extends Error {}

export function stopReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : 'stopped';
}

function terminalEvent(taskId: string, outcome: TaskOutcome, resultBranch: string): RunEventBody {
  switch (outcome.kind) {
    case 'merged':
      return {
        type: 'task.merged',
        taskId,
        commit: outcome.commit,
        resultBranch,
        ...(outcome.structured?.length && { structured: outcome.structured }),
      };
    case 'conflicted':
      return {
        type: 'task.conflicted',
        taskId,
        files: outcome.files,
        taskCommit: outcome.taskCommit,
        resultCommit: outcome.resultCommit,
        ...(outcome.structured?.length && { structured: outcome.structured }),
      };
    case 'failed':
      return { type: 'task.failed', taskId, reason: outcome.reason };
    case 'stopped':
      return { type: 'task.stopped', taskId, reason: outcome.reason };
  }
}
