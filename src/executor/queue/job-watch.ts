import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Task } from '../../orchestrator/plan.js';
import { stopReason, type TaskContext } from '../../orchestrator/scheduler.js';
import type { RunEventBody } from '../../events.js';
import { MaestroError } from '../../errors.js';
import type { EventRelay } from './relay.js';
import { runKeys, type ControlMessage, type JobResult, type TaskJob } from './protocol.js';

export interface JobWatch {
  job: Job<TaskJob, JobResult>;
  task: Task;
  ctx: TaskContext;
  queue: Queue<TaskJob, JobResult>;
  client: Redis;
  relay: EventRelay;
  runId: string;
  /** Redis unreachable or silent this long: the wait ends with a clear error instead of lasting forever. */
  outageMs: number;
  /** A job waiting this long for a worker gets a warning that says how many workers the queue has. */
  unclaimedMs: number;
  /** The queue's name, for that warning. */
  queueName: string;
  forward(ctx: TaskContext, body: RunEventBody): Promise<void>;
  /** The job is gone from Redis: its outcome from the remote, or a new job for the task. */
  requeue(
    task: Task,
    ctx: TaskContext,
    lost: Job<TaskJob, JobResult>,
  ): Promise<JobResult | Job<TaskJob, JobResult>>;
}

/** How often Redis is asked for the state of a job (the stream brings outcomes sooner). */
const pollMs = 1000;
const waiting = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Wait for a job's outcome while relaying its events: the run stream's `end` entry is the fast
 * path; a poll catches what the stream cannot say (the job failed for good, vanished with a Redis
 * restart, finished while the stream entry was lost). Stop and pause requests go to its worker.
 * Redis commands wait through a restart (`maxRetriesPerRequest: null`), so a Redis that never comes
 * back is noticed here: disconnected, or a poll unanswered, for `outageMs`.
 */
export function waitForJob(watch: JobWatch): Promise<JobResult> {
  const { task, ctx, client, queue } = watch;
  let job = watch.job;
  return new Promise<JobResult>((resolve, reject) => {
    let settled = false;
    let unroute = (): void => undefined;
    let completedPolls = 0;
    let polling = false;
    /** Since when the connection is down, and since when the current poll waits for Redis. */
    let downSince: number | null = null;
    let askedAt: number | null = null;
    /** Since when the job waits for a worker, and whether that was said. */
    let unclaimedSince: number | null = null;
    let unclaimedSaid = false;
    const send = (message: ControlMessage): Promise<unknown> =>
      client.publish(runKeys.control(watch.runId), JSON.stringify(message)).catch(() => undefined);
    const finish = (result: JobResult | Error): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      unroute();
      unpause();
      ctx.signal.removeEventListener('abort', onAbort);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const follow = (current: Job<TaskJob, JobResult>): void => {
      unroute();
      completedPolls = 0;
      unroute = watch.relay.route(current.id ?? '', async (entry) => {
        if (settled) return;
        if (entry.kind === 'event') await watch.forward(ctx, entry.body);
        else finish(entry.body);
      });
    };
    /** A question to Redis, timed so that one left unanswered counts as an outage. */
    const asked = async <T>(question: () => Promise<T>): Promise<T> => {
      askedAt = Date.now();
      const answer = await question();
      askedAt = null;
      return answer;
    };
    const poll = async (): Promise<void> => {
      if (polling || settled) return;
      polling = true;
      try {
        const id = job.id ?? '';
        // The state alone (one small script) while the job waits or runs; the job's hash, with its
        // payload, only when there is an outcome to read or the job seems gone.
        const state = await asked(() => queue.getJobState(id));
        const found =
          state === 'unknown' || state === 'failed' || state === 'completed'
            ? await asked(() => queue.getJob(id))
            : job;
        if (!found) {
          const next = await watch.requeue(task, ctx, job);
          if ('kind' in next) finish(next);
          else {
            job = next;
            follow(job);
          }
          return;
        }
        if (state === 'failed') {
          finish({
            kind: 'failed',
            reason: found.failedReason || 'the job failed',
            worker: found.processedBy ?? '',
          });
        } else if (state === 'completed') {
          // The end entry normally comes first; give the stream one more poll to deliver the last events.
          completedPolls += 1;
          if (completedPolls > 1 && found.returnvalue) finish(found.returnvalue);
        } else if (ctx.signal.aborted && waiting.has(state)) {
          await job.remove().catch(() => undefined);
          finish({ kind: 'stopped', reason: stopReason(ctx.signal), worker: '' });
        }
        if (!waiting.has(state)) {
          unclaimedSince = null;
          unclaimedSaid = false;
        } else if (!unclaimedSaid && Date.now() - (unclaimedSince ??= Date.now()) >= watch.unclaimedMs) {
          unclaimedSaid = true;
          await warnUnclaimed(watch, job.id ?? '', Date.now() - unclaimedSince);
        }
      } catch {
        // Redis is away (restarting): ask again at the next poll.
        askedAt = null;
      } finally {
        polling = false;
      }
    };
    const onAbort = (): void => {
      const jobId = job.id ?? '';
      const reason = stopReason(ctx.signal);
      void client.set(runKeys.stop(watch.runId, jobId), reason, 'EX', 86400).catch(() => undefined);
      void send({ jobId, action: 'stop', reason });
      void poll();
    };
    const unpause = ctx.pause.onChange(
      (paused) => void send({ jobId: job.id ?? '', action: paused ? 'pause' : 'resume' }),
    );
    const tick = (): void => {
      const now = Date.now();
      downSince = client.status === 'ready' ? null : (downSince ?? now);
      const silentMs = Math.max(now - (downSince ?? now), now - (askedAt ?? now));
      if (silentMs < watch.outageMs) return void poll();
      finish(
        new MaestroError(
          `Redis has not answered for ${Math.round(silentMs / 1000)} s while task ${task.id} waited for job ${job.id ?? ''}: ` +
            'check that the server runs (executor.redis); `maestro resume` re-adopts the job once Redis is back',
        ),
      );
    };
    const timer = setInterval(tick, pollMs);
    follow(job);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (ctx.signal.aborted) onAbort();
  });
}

/** No worker took the job for a while: say how many workers the queue has, and what to do. */
async function warnUnclaimed(watch: JobWatch, jobId: string, waitedMs: number): Promise<void> {
  // CLIENT LIST, which a Redis ACL may refuse: then the count is left out.
  const workers = await watch.queue.getWorkersCount().catch(() => null);
  const seconds = Math.round(waitedMs / 1000);
  const where = `queue ${watch.queueName}`;
  const why =
    workers === 0
      ? `no worker is connected to ${where}: start one with \`maestro worker --redis <executor.redis>\``
      : workers === null
        ? `check that \`maestro worker\` runs on ${where} with free slots`
        : `${workers} worker(s) on ${where}, none with a free slot: wait, or start more workers`;
  await watch.ctx
    .emit({
      type: 'log',
      level: 'warn',
      message: `task ${watch.task.id}: no worker has taken job ${jobId} in ${seconds} s; ${why}`,
    })
    .catch(() => undefined);
}
