import { hostname } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { PauseGate } from '../../orchestrator/pause-gate.js';
import { StopRequest } from '../../orchestrator/scheduler.js';
import { checkRedis, connectRedis } from './redis.js';
import { cacheClone, checkRemote, displayRemote } from './remote-git.js';
import { queuePrefix, type ControlMessage, type JobResult, type TaskJob } from './protocol.js';
import { processTaskJob, type WorkerScope } from './worker-job.js';
import { probeSandbox, type SandboxProbe } from '../../sandbox/probe.js';
import { taskWorktreePool } from '../task-work.js';
import { WorkerRuns } from './worker-runs.js';

/** A run without a job on this worker for this long gives back its free worktrees. */
const runIdleMs = 60_000;

export interface WorkerOptions {
  redis: string;
  queue: string;
  slots: number;
  dataDir: string;
  name?: string;
  remote?: string;
  /** Seconds without a lock renewal before another worker takes the job (BullMQ's stall check). */
  stallSeconds: number;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export interface RunningWorker {
  name: string;
  /** Stop taking jobs; running agents stop, commit and push, then the worker exits. */
  close(): Promise<void>;
  closed: Promise<void>;
}

/**
 * `maestro worker`: takes task jobs from the queue, up to `slots` at once, and runs each like a
 * local run does, in worktrees of its own cache clone of the remote. Checks Redis and the remote
 * before it takes any job. A worker whose git transport fails pauses a while, so the retry of that
 * job (and the next ones) goes to a healthier worker.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const name = options.name ?? `${hostname()}-${process.pid}`;
  await mkdir(options.dataDir, { recursive: true });
  if (options.remote) {
    await checkRemote(options.dataDir, options.remote);
    await cacheClone(options.dataDir, options.remote);
  }
  const redis = connectRedis(options.redis, `maestro-worker:${name}`);
  const control = connectRedis(options.redis, `maestro-worker:${name}:control`);
  try {
    await checkRedis(redis);
  } catch (error) {
    redis.disconnect();
    control.disconnect();
    throw error;
  }
  // Found before the first job asks (in the background: a run with sandbox off never waits for it).
  const probed: Promise<SandboxProbe> = probeSandbox();
  probed.catch(() => undefined);
  const scope: WorkerScope = {
    name,
    dataDir: options.dataDir,
    remote: options.remote,
    redis,
    env: options.env,
    running: new Map(),
    settling: new Set(),
    baseFetches: new Map(),
    runs: new WorkerRuns({
      slots: options.slots,
      sandboxProbe: () => probed,
      makePool: (run) =>
        taskWorktreePool({
          repo: run.cache,
          runId: run.runId,
          worktreeRoot: run.worktreeRoot,
          config: run.config,
          sandbox: run.sandbox,
          env: options.env,
          slots: run.slots,
        }),
      idleMs: runIdleMs,
    }),
    llms: new Map(),
  };
  const active = new Map<string, { pause: PauseGate; lost: boolean }>();
  let coolDown: NodeJS.Timeout | undefined;
  let shuttingDown = false;
  const processor = async (job: Job<TaskJob, JobResult>, _token?: string, signal?: AbortSignal) => {
    const id = job.id ?? '';
    const entry = { pause: new PauseGate(), lost: false };
    active.set(id, entry);
    const controller = new AbortController();
    const forward = (): void => controller.abort(new StopRequest(String(signal?.reason ?? 'stopped')));
    signal?.addEventListener('abort', forward, { once: true });
    try {
      const result = await processTaskJob(scope, {
        id,
        data: job.data,
        started: Math.max(1, job.attemptsStarted),
        signal: controller.signal,
        pause: entry.pause,
        owned: () => !entry.lost && !shuttingDown,
      });
      // Stopped because this worker shuts down: the job goes back to the queue, the task goes on.
      if (shuttingDown && result.kind === 'stopped') throw new Error(`worker ${name} shut down`);
      return result;
    } catch (error) {
      options.log(`${name}: job ${id} failed: ${(error as Error).message}`);
      // Transport trouble here is likely to repeat: let other workers take the next jobs for a while.
      if (!coolDown) {
        void worker.pause(true).catch(() => undefined);
        coolDown = setTimeout(() => {
          coolDown = undefined;
          void Promise.resolve(worker.resume()).catch(() => undefined);
        }, 5000);
      }
      throw error;
    } finally {
      signal?.removeEventListener('abort', forward);
      active.delete(id);
    }
  };
  const worker = new Worker<TaskJob, JobResult>(options.queue, processor, {
    connection: redis,
    prefix: queuePrefix,
    name,
    concurrency: options.slots,
    lockDuration: options.stallSeconds * 1000,
    stalledInterval: options.stallSeconds * 1000,
    // A killed worker's job goes back to the queue rather than failing the task.
    maxStalledCount: 5,
    autorun: false,
  });
  worker.on('error', (error) => options.log(`${name}: ${error.message}`));
  worker.on('lockRenewalFailed', (ids) => {
    for (const id of ids) {
      const entry = active.get(id);
      if (entry) entry.lost = true;
      options.log(`${name}: lost the lock of job ${id}; stopping it (another worker takes it over)`);
      worker.cancelJob(id, 'the worker lost the job (Redis restarted or the worker stalled)');
    }
  });
  await followControl(control, (message) => {
    const entry = active.get(message.jobId);
    if (!entry) return;
    if (message.action === 'stop')
      worker.cancelJob(message.jobId, message.reason ?? 'stopped by the orchestrator');
    else if (message.action === 'pause') entry.pause.pause();
    else entry.pause.resume();
  });
  // Closed once `close` closed BullMQ's worker, or when its loop fails. Not when `run()` returns:
  // its loop also ends while the worker is paused (the cool-down above) with no job left, and
  // `resume()` starts a new one (node_modules/bullmq/dist/esm/classes/worker.js, mainLoop/resume).
  const closed = new Promise<void>((resolve, reject) => {
    worker.once('closed', () => resolve());
    worker.run().catch(reject);
  });
  options.log(
    `${name}: taking jobs from queue ${options.queue} (${options.slots} slot${options.slots === 1 ? '' : 's'})` +
      (options.remote ? ` for ${displayRemote(options.remote)}` : ''),
  );
  let closing: Promise<void> | undefined;
  return {
    name,
    closed,
    close: () =>
      (closing ??= (async () => {
        clearTimeout(coolDown);
        shuttingDown = true;
        worker.cancelAllJobs('the worker is shutting down');
        await worker.close();
        await Promise.all(scope.settling);
        await scope.runs.close();
        control.disconnect();
        redis.disconnect();
      })()),
  };
}

/** Stop, pause and resume requests of every run, by pub/sub (a missed stop is also a key). */
async function followControl(control: Redis, onMessage: (message: ControlMessage) => void): Promise<void> {
  control.on('pmessage', (_pattern: string, _channel: string, raw: string) => {
    try {
      const message = JSON.parse(raw) as ControlMessage;
      if (typeof message.jobId === 'string') onMessage(message);
    } catch {
      // Not ours: ignore.
    }
  });
  await control.psubscribe(`${queuePrefix}:run:*:control`);
}
