import { Redis } from 'ioredis';
import { MaestroError } from '../../errors.js';

/**
 * A Redis connection for maestro's queue. `maxRetriesPerRequest: null` is what BullMQ requires of
 * a worker's connections (https://docs.bullmq.io/guide/going-to-production#maxretriesperrequest):
 * commands wait through a Redis restart instead of failing, which is also what the event relay
 * wants. The URL may carry credentials, so errors never print it.
 */
export function connectRedis(url: string, name: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName: name,
    // Reconnect quickly after a restart; capped so a long outage costs at most a second a try.
    retryStrategy: (times) => Math.min(times * 100, 1000),
    lazyConnect: false,
  });
  // Connection errors are retried by ioredis; an unhandled 'error' event would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

/** Redis answers within `ms`, or a clear error naming what to check. */
export async function checkRedis(redis: Redis, ms = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new MaestroError(
            `cannot reach Redis within ${ms / 1000} s: check executor.redis (or MAESTRO_REDIS_URL) and that the server runs`,
            { exitCode: 2 },
          ),
        ),
      ms,
    );
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The Redis URL to use, or a clear error: config first, then `MAESTRO_REDIS_URL`. */
export function redisUrl(configured: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = configured ?? env.MAESTRO_REDIS_URL?.trim();
  if (!url)
    throw new MaestroError(
      'the queue executor needs Redis: set executor.redis in the config or MAESTRO_REDIS_URL',
      { exitCode: 2 },
    );
  if (!/^rediss?:\/\//.test(url))
    throw new MaestroError('executor.redis must be a redis:// or rediss:// URL', { exitCode: 2 });
  return url;
}
