import { startSpawnHost } from '../../process/spawn-host-launch.js';
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import envPaths from 'env-paths';
import { UsageError } from '../../errors.js';

interface WorkerFlags {
  redis?: string;
  remote?: string;
  slots: string;
  data?: string;
  name?: string;
  queue: string;
  stallSeconds: string;
}

function positiveInt(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`${flag} ${value}: give a whole number from 1 to ${max}.`);
  return n;
}

/**
 * `maestro worker`: run task jobs of the queue executor on this machine. Needs git, the agent's
 * tooling and the API keys of the model in its environment; nothing secret comes over the queue.
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('take maestro task jobs from a Redis queue and run their agents here (docs/distributed.md)')
    .option('--redis <url>', 'Redis URL, redis:// or rediss:// (default: MAESTRO_REDIS_URL)')
    .option('--remote <git-url>', "the shared git remote as this machine reaches it (default: each job's)")
    .option('--slots <n>', 'jobs at once', '4')
    .option('--data <dir>', 'cache clones and worktrees (default: the user data folder)')
    .option('--name <name>', 'shown beside each agent in the TUI, status and cost (default: host-pid)')
    .option('--queue <name>', 'the queue to take jobs from (executor.queue of the runs)', 'maestro')
    .option('--stall-seconds <n>', 'a job whose worker is silent this long goes to another worker', '30')
    .action(async (flags: WorkerFlags) => {
      const slots = positiveInt('--slots', flags.slots, 64);
      const stallSeconds = positiveInt('--stall-seconds', flags.stallSeconds, 3600);
      // Loaded here: no other command needs the queue's code.
      const { redisUrl } = await import('../../executor/queue/redis.js');
      const { startWorker } = await import('../../executor/queue/worker.js');
      const stopSpawnHost = startSpawnHost();
      const worker = await startWorker({
        redis: redisUrl(flags.redis, process.env),
        queue: flags.queue,
        slots,
        dataDir: resolve(flags.data ?? join(envPaths('maestro', { suffix: '' }).data, 'worker')),
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        ...(flags.remote !== undefined ? { remote: flags.remote } : {}),
        stallSeconds,
        env: process.env,
        log: (line) => void process.stderr.write(`${line}\n`),
      });
      const stop = (): void => {
        process.stderr.write(`${worker.name}: stopping; running jobs go back to the queue\n`);
        void worker.close();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await worker.closed;
      await worker.close();
      stopSpawnHost();
    });
}
