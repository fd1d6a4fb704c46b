import { randomBytes } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import type { Task } from '../../orchestrator/plan.js';
import type { TaskContext } from '../../orchestrator/scheduler.js';
import type { RunEventBody } from '../../events.js';
import type { MergeCredits } from '../../orchestrator/task-merge.js';
import { taskBranch } from '../../git/refs.js';
import { emptyUsage } from '../../llm/types.js';
import type { TaskWork, TaskWorkDeps, WorkOutcome } from '../types.js';
import { checkRedis, connectRedis } from './redis.js';
import { EventRelay } from './relay.js';
import { doneRefs, pushBase, TaskFetcher } from './remote-git.js';
import { waitForJob, type JobWatch } from './job-watch.js';
import { jobIdOf, protocolVersion, queuePrefix, runKeys, type JobResult, type TaskJob } from './protocol.js';

export interface QueueWorkOptions {
  redis: string;
  remote: string;
  queue: string;
  /** The built-in agent's model as resolved here; null for external agent CLIs. */
  model: { model: string; provider: string } | null;
  /** A task waiting on its job gives up (failed, clear error) after Redis was silent this long. */
  redisOutageMs: number;
  /** A job no worker has taken for this long gets a warning in the journal. */
  unclaimedWarnMs: number;
}

export interface QueueWork {
  work: TaskWork;
  close(): Promise<void>;
}

/** BullMQ retries a job whose worker failed (push refused, remote unreachable) on another worker. */
const jobAttempts = 5;
const keepSeconds = 7 * 24 * 3600;
/** How long closing waits for the relay's last batch and cursor (instant while Redis answers). */
const closeMs = 10_000;

/**
 * The queue executor's work half: each task becomes a BullMQ job that a `maestro worker` takes;
 * its events come back through the run's stream into the journal, its branch through the git
 * remote. A job still queued or running when a resumed orchestrator asks for its task is adopted,
 * not queued again; one Redis lost (restarted) is collected from the remote or queued again.
 */
export async function createQueueWork(deps: TaskWorkDeps, options: QueueWorkOptions): Promise<QueueWork> {
  const bases = new Map<string, Promise<void>>();
  const pushBaseOnce = (commit: string): Promise<void> => {
    let pushed = bases.get(commit);
    if (!pushed) {
      pushed = pushBase(deps.repo, options.remote, deps.runId, commit);
      pushed.catch(() => bases.delete(commit));
      bases.set(commit, pushed);
    }
    return pushed;
  };
  const client = connectRedis(options.redis, `maestro-orchestrator:${deps.runId}`);
  const reader = connectRedis(options.redis, `maestro-orchestrator:${deps.runId}:events`);
  try {
    await checkRedis(client);
  } catch (error) {
    client.disconnect();
    reader.disconnect();
    throw error;
  }
  // Not before Redis answered: a run that cannot start leaves no base on the remote. It goes up
  // while the queue and the relay start: the first jobs need it there.
  const runBase = deps.state().baseCommit;
  if (runBase) pushBaseOnce(runBase).catch(() => undefined);
  const queue = new Queue<TaskJob, JobResult>(options.queue, { connection: client, prefix: queuePrefix });
  queue.on('error', () => undefined);
  const warnings: string[] = [];
  const relay = new EventRelay(reader, client, deps.runId, (message) => warnings.push(message));
  await relay.start();
  const fetches = new TaskFetcher(deps.repo, options.remote, deps.runId);

  const enqueue = async (
    task: Task,
    ctx: TaskContext,
    requeued = false,
  ): Promise<Job<TaskJob, JobResult>> => {
    await pushBaseOnce(ctx.baseCommit);
    const jobId = jobIdOf(deps.runId, task.id, ctx.attempt, randomBytes(3).toString('hex'));
    await client.hset(runKeys.jobs(deps.runId), task.id, jobId);
    const data = { ...jobData(deps, options, task, ctx), ...(requeued ? { requeued } : {}) };
    const job = await queue.add('task', data, {
      jobId,
      attempts: jobAttempts,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: { age: keepSeconds },
      removeOnFail: { age: keepSeconds },
    });
    await ctx.emit({ type: 'log', level: 'info', message: `task ${task.id} queued as job ${jobId}` });
    return job;
  };

  const collect = async (task: Task, ctx: TaskContext, result: JobResult): Promise<WorkOutcome> => {
    if (result.kind !== 'done') {
      fetches.forget(task.id);
      return { kind: result.kind, reason: result.reason };
    }
    await fetches.collect(task.id, result.head);
    return {
      kind: 'done',
      head: result.head,
      worktree: `${result.worker}:${result.worktree}`,
      credits: result.credits,
    };
  };

  const watch: Omit<JobWatch, 'job' | 'task' | 'ctx'> = {
    queue,
    client,
    relay,
    runId: deps.runId,
    outageMs: options.redisOutageMs,
    unclaimedMs: options.unclaimedWarnMs,
    queueName: options.queue,
    forward: async (ctx: TaskContext, body: RunEventBody) => {
      // Pushed before the worker reported it: on its way here while the worker validates.
      if (body.type === 'task.committed') fetches.prefetch(body.taskId, body.commit);
      if (body.type === 'finding.published') {
        deps.memory.publish({
          taskId: body.taskId,
          agentId: body.agentId,
          text: body.text,
          files: body.files,
          tags: body.tags,
        });
      }
      await ctx.emit(body);
    },
    requeue: async (task, ctx, lost) => {
      // Redis lost the job (restarted without persistence): the remote says whether its work was done.
      const done = (await doneRefs(deps.repo, options.remote, deps.runId, task.id)).find(
        (ref) => ref.attempt >= lost.data.attempt,
      );
      if (done)
        return {
          kind: 'done',
          head: done.head,
          worktree: '',
          credits: creditsOf(deps, options, task),
          worker: '',
        };
      await ctx.emit({
        type: 'log',
        level: 'warn',
        message: `job ${lost.id ?? ''} of task ${task.id} vanished from Redis; queued again`,
      });
      return enqueue(task, ctx, true);
    },
  };

  const work: TaskWork = async (task, ctx) => {
    const adopted = await adopt(task, ctx);
    const job = adopted ?? (await enqueue(task, ctx));
    const result = await waitForJob({ ...watch, job, task, ctx });
    const outcome = await collect(task, ctx, result);
    // Collected: a resumed orchestrator must not adopt this job again.
    await client.hdel(runKeys.jobs(deps.runId), task.id);
    return outcome;
  };

  /** The task's job from before (a resumed run): still queued, running or finished uncollected. */
  const adopt = async (task: Task, ctx: TaskContext): Promise<Job<TaskJob, JobResult> | undefined> => {
    const previous = await client.hget(runKeys.jobs(deps.runId), task.id);
    if (!previous) return undefined;
    const job = await queue.getJob(previous);
    const state = job ? await job.getState() : 'unknown';
    if (!job || state === 'failed' || state === 'unknown') return undefined;
    const where = job.processedBy ? ` on worker ${job.processedBy}` : '';
    await ctx.emit({
      type: 'log',
      level: 'info',
      message: `task ${task.id}: re-adopted job ${previous} (${state}${where})`,
    });
    if (state === 'active' || state === 'completed') {
      await ctx.emit({
        type: 'task.started',
        taskId: task.id,
        agentId: `${task.id}.${ctx.attempt}`,
        branch: taskBranch(deps.runId, task.id),
        worktree: '',
        baseCommit: job.data.baseCommit,
        attempt: ctx.attempt,
        ...(job.processedBy ? { worker: job.processedBy } : {}),
      });
    }
    return job;
  };

  return {
    work,
    close: async () => {
      // With Redis gone, ioredis keeps commands queued while it waits to reconnect, even after
      // disconnect() (the relay's read, its cursor write): closing waits a bounded time for them,
      // and not at all when Redis is away already (nothing more can be saved then).
      await settledWithin(
        (async () => {
          await relay.close();
          await queue.close();
        })(),
        client.status === 'ready' ? closeMs : 0,
      );
      client.disconnect();
    },
  };
}

function jobData(deps: TaskWorkDeps, options: QueueWorkOptions, task: Task, ctx: TaskContext): TaskJob {
  const state = deps.state();
  return {
    v: protocolVersion,
    runId: deps.runId,
    task,
    attempt: ctx.attempt,
    baseCommit: ctx.baseCommit,
    resultBranch: ctx.resultBranch,
    remote: options.remote,
    plan: deps.plan,
    config: deps.config,
    ...(deps.agent !== undefined ? { agent: deps.agent } : {}),
    model: options.model,
    sharedPrefix: deps.sharedPrefix,
    findings: deps.memory.all().map(({ seq: _seq, ...finding }) => finding),
    dependencies: task.dependsOn.map((id) => ({
      taskId: id,
      title: state.tasks[id]?.title ?? id,
      summary: state.tasks[id]?.summary ?? '(no summary)',
    })),
  };
}

/** What the journal knows a task spent: credits for work collected from the remote alone. */
function creditsOf(deps: TaskWorkDeps, options: QueueWorkOptions, task: Task): MergeCredits {
  const view = deps.state().tasks[task.id];
  return {
    agentId: view?.agentId ?? `${task.id}.${view?.attempt ?? 1}`,
    model: options.model?.model ?? 'external',
    provider: options.model?.provider ?? 'external',
    usage: view?.usage ?? emptyUsage(),
    costUsd: view?.costUsd ?? 0,
  };
}

/** Waits for `work` at most `ms`; its failure is ignored (closing goes on either way). */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([work.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
