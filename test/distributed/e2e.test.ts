import { describe, expect, it } from 'vitest';
import { fakeServer } from '../e2e/harness.js';
import { runGit } from '../helpers/repo.js';
import {
  cluster,
  dumpRedis,
  fanOutRules,
  finished,
  orchestrate,
  orchestratorKey,
  workerKey,
} from './fixture.js';

const minutes = 60_000;

describe('the queue executor: three worker "machines" on one Redis and one git remote', () => {
  it(
    'runs 30 tasks of the built-in agent on three workers and merges every one, no key in Redis',
    async () => {
      const server = await fakeServer({
        tokenLatencyMs: 0,
        rules: fanOutRules(30),
        fallback: { text: 'unexpected' },
      });
      const c = await cluster({
        tasks: 30,
        workers: ['w1', 'w2', 'w3'],
        workerEnv: { OPENAI_BASE_URL: server.openaiBaseURL },
      });
      // The orchestrator has a key of its own (for planning); it must never travel to a worker.
      const run = await finished(orchestrate(c, ['run', '--plan', c.plan, '--agents', '12']));
      expect(run.stderr).toContain('30/30 tasks merged');
      expect(run.code).toBe(0);
      const done = run.events.find((e) => e.type === 'run.finished');
      expect(done?.status).toBe('merged');
      expect((done?.merged as string[]).length).toBe(30);
      const workers = new Set(run.events.filter((e) => e.type === 'task.started').map((e) => e.worker));
      expect([...workers].sort()).toEqual(['w1', 'w2', 'w3']);
      // The built-in agent's usage came back from the workers into one journal.
      expect(run.events.filter((e) => e.type === 'agent.usage').length).toBeGreaterThanOrEqual(60);
      const branch = String(run.events[0]?.resultBranch);
      expect(runGit(c.repo, ['show', `${branch}:out/t30.txt`])).toBe('task 30');
      const stored = await dumpRedis(c.redis.url);
      expect(stored).toContain('task.started');
      expect(stored).not.toContain(orchestratorKey);
      expect(stored).not.toContain(workerKey);
      expect(JSON.stringify(run.events)).not.toContain(workerKey);
    },
    4 * minutes,
  );
});
