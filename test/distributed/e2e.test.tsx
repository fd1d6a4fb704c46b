import { describe, expect, it, vi } from 'vitest';
import { TuiApp } from '../../src/ui/components/App.js';
import type { RunEvent } from '../../src/events.js';
import { renderTui } from '../helpers/render-tui.js';
import { MemorySource, recordingControl } from '../ui/fixtures.js';
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
      // Each task's events reached the journal in the order its worker made them, although the
      // worker reports a commit only once its push is done, while its work goes on meanwhile.
      for (let i = 1; i <= 30; i += 1) {
        const lifecycle = run.events
          .filter(
            (e) =>
              e.taskId === `t${i}` && /^(task\.(started|committed|merged)|agent\.finished)$/.test(e.type),
          )
          .map((e) => e.type);
        expect(lifecycle).toEqual(['task.started', 'agent.finished', 'task.committed', 'task.merged']);
      }
      // The done refs go up after each job's end, in the background: all of them, soon.
      await vi.waitFor(
        () =>
          expect(runGit(c.repo, ['ls-remote', c.remote, 'refs/maestro/*/done/*']).split('\n')).toHaveLength(
            30,
          ),
        { timeout: minutes, interval: 200 },
      );
      const stored = await dumpRedis(c.redis.url);
      expect(stored).toContain('task.started');
      expect(stored).not.toContain(orchestratorKey);
      expect(stored).not.toContain(workerKey);
      expect(JSON.stringify(run.events)).not.toContain(workerKey);
    },
    4 * minutes,
  );

  it(
    'runs 30 tasks of an external command agent on three workers, one journal, the TUI naming each worker',
    async () => {
      const agent = {
        command: ['sh', '-c', 'mkdir -p out && echo "task $MAESTRO_TASK_ID" > "out/$MAESTRO_TASK_ID.txt"'],
      };
      const c = await cluster({ tasks: 30, workers: ['w1', 'w2', 'w3'], config: { agent } });
      const run = await finished(orchestrate(c, ['run', '--plan', c.plan, '--agents', '12']));
      expect(run.code, run.stderr).toBe(0);
      const done = run.events.find((e) => e.type === 'run.finished');
      expect((done?.merged as string[]).length).toBe(30);
      const started = run.events.filter((e) => e.type === 'task.started');
      expect(new Set(started.map((e) => e.worker))).toEqual(new Set(['w1', 'w2', 'w3']));
      expect(runGit(c.repo, ['show', `${String(run.events[0]?.resultBranch)}:out/t17.txt`])).toBe('task t17');
      // The journal's events, as `maestro tui` shows them: every agent row names its worker.
      const { control } = recordingControl();
      const source = new MemorySource(run.events as unknown as RunEvent[]);
      const tui = renderTui(
        <TuiApp source={source} control={control} loadDiff={async () => ''} env={{ SHELL: '/bin/true' }} />,
        {
          columns: 120,
          rows: 45,
        },
      );
      const frame = await tui.waitFor('30/30 merged');
      const workerOf = new Map(started.map((e) => [e.taskId, e.worker]));
      const shown = [1, 2, 3, 4, 5].map((n) => `Task ${n} @${String(workerOf.get(`t${n}`))}`);
      for (const row of shown) expect(frame).toContain(row);
      tui.unmount();
    },
    4 * minutes,
  );
});
