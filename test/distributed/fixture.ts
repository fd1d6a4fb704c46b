import { join } from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { editAndFinish, fixtureRepo, isolatedEnv, parseEvents, type JsonEvent } from '../e2e/harness.js';
import type { FakeRule } from '../../src/llm/fake/scenario.js';
import {
  bareRemote,
  startCli,
  startRedis,
  startWorker,
  type Process,
  type RedisServer,
  type WorkerProcess,
} from './cluster.js';

export const orchestratorKey = 'sk-planted-orchestrator-key-4d1c9a7e55';
export const workerKey = 'sk-planted-worker-key-93be0f12aa77';

/** An external agent that writes its task's own file at once. */
export const writesItsFile = {
  command: ['sh', '-c', 'mkdir -p out && echo "$MAESTRO_TASK_ID" > "out/$MAESTRO_TASK_ID.txt"'],
};

/** A plan of `count` independent tasks, each writing its own file. */
export function fanOutPlan(count: number): { objective: string; tasks: object[] } {
  return {
    objective: 'write one file per task',
    tasks: Array.from({ length: count }, (_, i) => ({
      id: `t${i + 1}`,
      title: `Task ${i + 1}`,
      instructions: `Write out/t${i + 1}.txt.`,
      files: [`out/t${i + 1}.txt`],
      dependsOn: [],
    })),
  };
}

export function fanOutRules(count: number): FakeRule[] {
  return Array.from({ length: count }, (_, i) =>
    editAndFinish(`t${i + 1}`, { path: `out/t${i + 1}.txt`, content: `task ${i + 1}\n` }),
  ).flat();
}

export interface Cluster {
  redis: RedisServer;
  remote: string;
  repo: string;
  home: string;
  plan: string;
  /** The orchestrator's environment (its own planted key, never sent to workers). */
  env: Record<string, string>;
  workers: WorkerProcess[];
}

/** Repo + config (queue executor) + remote + Redis, and `workers` worker processes. */
export async function cluster(options: {
  tasks: number;
  workers: string[];
  config?: Record<string, unknown>;
  /** More `executor` settings beside kind, redis and remote. */
  executor?: Record<string, unknown>;
  workerEnv?: Record<string, string>;
  slots?: number;
  stallSeconds?: number;
  beforeWorkers?: (remote: string) => Promise<void>;
}): Promise<Cluster> {
  const redis = await startRedis();
  const fixture = await fixtureRepo({ 'README.md': '# distributed\n' });
  const remote = await bareRemote(fixture.repo);
  await options.beforeWorkers?.(remote);
  const rcPath = join(fixture.repo, '.maestrorc.json');
  const rc = JSON.parse(await readFile(rcPath, 'utf8')) as Record<string, unknown>;
  await writeFile(
    rcPath,
    JSON.stringify(
      {
        ...rc,
        executor: { kind: 'queue', redis: redis.url, remote, ...options.executor },
        ...options.config,
      },
      null,
      2,
    ),
  );
  const plan = join(fixture.home, 'plan.json');
  await writeFile(plan, JSON.stringify(fanOutPlan(options.tasks)));
  const workers = await Promise.all(
    options.workers.map((name) =>
      startWorker({
        name,
        redis: redis.url,
        remote,
        slots: options.slots ?? 4,
        stallSeconds: options.stallSeconds ?? 30,
        env: { OPENAI_API_KEY: workerKey, ...isolatedEnv(fixture.home), ...options.workerEnv },
      }),
    ),
  );
  return {
    redis,
    remote,
    repo: fixture.repo,
    home: fixture.home,
    plan,
    env: { ...isolatedEnv(fixture.home), OPENAI_API_KEY: orchestratorKey },
    workers,
  };
}

/** Every key and value in Redis as one text (streams, hashes, lists, sets, zsets, strings). */
export async function dumpRedis(url: string): Promise<string> {
  const redis = new Redis(url);
  try {
    const parts: string[] = [];
    for (const key of await redis.keys('*')) {
      const type = await redis.type(key);
      parts.push(key);
      if (type === 'string') parts.push((await redis.get(key)) ?? '');
      else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
    return parts.join('\n');
  } finally {
    redis.disconnect();
  }
}

/** The orchestrator, `maestro <args> --json` in the cluster's repo, as a child process. */
export function orchestrate(c: Cluster, args: string[], env: Record<string, string> = {}): Process {
  return startCli([...args, '--json'], c.repo, { ...c.env, ...env });
}

/** Wait for the orchestrator to exit; its events and exit code. */
export async function finished(
  proc: Process,
): Promise<{ code: number | null; events: JsonEvent[]; stderr: string }> {
  const code = await proc.exited;
  return { code, events: parseEvents(proc.stdout()), stderr: proc.stderr() };
}
