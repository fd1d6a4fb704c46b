import type { TaskExecutor } from '../orchestrator/scheduler.js';
import type { ExecutorSetting, MaestroConfig } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { createLocalExecutor, landingExecutor } from './local.js';
import type { TaskWorkDeps } from './types.js';

export interface BuiltExecutor {
  executor: TaskExecutor;
  /** Closes what the executor holds open (the queue's Redis connections); after the run. */
  close(): Promise<void>;
}

export type ExecutorKind = ExecutorSetting['kind'];

/** `--executor local|queue`, checked; undefined keeps the config's choice. */
export function parseExecutorKind(value: string | undefined): ExecutorKind | undefined {
  if (value === undefined) return undefined;
  if (value !== 'local' && value !== 'queue')
    throw new UsageError(`--executor ${value}: use local or queue.`);
  return value;
}

/** The config's executor with the `--executor` override applied; a queue without a remote is refused. */
export function executorSetting(config: MaestroConfig, kind: ExecutorKind | undefined): ExecutorSetting {
  const setting = { ...config.executor, kind: kind ?? config.executor.kind };
  if (setting.kind === 'queue' && !setting.remote) {
    throw new UsageError(
      'the queue executor needs executor.remote in the config: the git remote that workers fetch from and push to',
    );
  }
  return setting;
}

/**
 * The task executor of a run. Local work is the default; the queue's code (BullMQ, ioredis) is
 * imported only when a run uses it, so a local run loads none of it.
 */
export async function buildExecutor(
  deps: TaskWorkDeps,
  setting: ExecutorSetting,
  model: { model: string; provider: string } | null,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BuiltExecutor> {
  if (setting.kind === 'local') return { executor: createLocalExecutor(deps), close: async () => undefined };
  const { createQueueWork } = await import('./queue/queue-work.js');
  const { redisUrl } = await import('./queue/redis.js');
  const queue = await createQueueWork(deps, {
    redis: redisUrl(setting.redis, env),
    remote: setting.remote ?? '',
    queue: setting.queue,
    model,
    redisOutageMs: setting.redisOutageSeconds * 1000,
    unclaimedWarnMs: setting.unclaimedWarnSeconds * 1000,
  });
  return { executor: landingExecutor(deps, queue.work), close: queue.close };
}
