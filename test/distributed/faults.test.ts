import { describe, expect, it, vi } from 'vitest';
import { Queue } from 'bullmq';
import { runGit } from '../helpers/repo.js';
import { refuseFirstTaskPush, refusePushesWhenFlagged, startCli, startWorker } from './cluster.js';
import { cluster, finished, orchestrate, writesItsFile, type Cluster } from './fixture.js';
import { testGate } from './gate.js';
import type { JsonEvent } from '../e2e/harness.js';

const minutes = 60_000;

/**
 * An external agent that logs its start and end to a test gate and, for `waits`, holds until the
 * gate opens: the agent itself, or t1's validation (which runs after its commit was pushed).
 */
async function gatedAgent(waits: 'agent' | 'validate-t1') {
  const gate = await testGate();
  const body = [
    'set -e',
    gate.shell,
    // Its start, and its end however it ends: the connection closes when the sandbox is gone.
    'gate life "$MAESTRO_TASK_ID $MAESTRO_WORKTREE" &',
    ...(waits === 'agent' ? ['gate wait'] : []),
    'mkdir -p out && echo "task $MAESTRO_TASK_ID" > "out/$MAESTRO_TASK_ID.txt"',
  ].join('\n');
  // Only t1's worktree has out/t1.txt.
  const validate = [`${gate.shell}\nif [ -f out/t1.txt ]; then gate validating "$(pwd)" && gate wait; fi`];
  return {
    ...gate,
    config: {
      agent: { command: ['sh', '-c', body] },
      sandboxHosts: [gate.host],
      ...(waits === 'validate-t1' ? { validate } : {}),
    },
  };
}

function expectAllMerged(events: JsonEvent[], count: number): void {
  const done = events.find((e) => e.type === 'run.finished');
  expect(done?.status, JSON.stringify(events.filter((e) => e.type === 'log'))).toBe('merged');
  expect((done?.merged as string[]).length).toBe(count);
}

/** Per worktree, agents ran one after another: never a start before the previous one ended. */
function expectNoOverlap(lines: string[]): void {
  const open = new Set<string>();
  for (const line of lines) {
    const [what, , worktree = ''] = line.split(' ');
    if (what === 'start') {
      expect(open.has(worktree), `two agents at once in ${worktree}:\n${lines.join('\n')}`).toBe(false);
      open.add(worktree);
    } else open.delete(worktree);
  }
}

const tasksOf = (events: JsonEvent[], type: string, id: string) =>
  events.filter((e) => e.type === type && e.taskId === id);

describe('queue executor faults', () => {
  it(
    'a worker killed (-9) mid-task: the task finishes on another worker from its pushed commit',
    async () => {
      const agent = await gatedAgent('validate-t1');
      const c = await cluster({
        tasks: 3,
        workers: ['w1', 'w2'],
        slots: 2,
        stallSeconds: 4,
        config: agent.config,
      });
      const proc = orchestrate(c, ['run', '--plan', c.plan, '--agents', '3']);
      await vi.waitFor(() => expect(agent.validating(), proc.output().slice(-3000)).toBeDefined(), {
        timeout: 2 * minutes,
        interval: 100,
      });
      const where = agent.validating() ?? '';
      const victim = c.workers.find((w) => where.startsWith(w.data));
      expect(victim, where).toBeDefined();
      victim?.kill('SIGKILL');
      await victim?.exited;
      agent.open();
      const run = await finished(proc);
      expect(run.code, run.stderr).toBe(0);
      expectAllMerged(run.events, 3);
      const starts = tasksOf(run.events, 'task.started', 't1');
      expect(starts.map((e) => e.worker)).toEqual([victim?.name, c.workers.find((w) => w !== victim)?.name]);
      expect(Number(starts[1]?.attempt)).toBeGreaterThan(Number(starts[0]?.attempt));
      expect(
        run.events.some((e) => e.type === 'log' && String(e.message).includes('attempt 2 on worker')),
      ).toBe(true);
      // The commit the killed worker pushed is part of what merged.
      const firstCommit = String(tasksOf(run.events, 'task.committed', 't1')[0]?.commit);
      const result = String(run.events[0]?.resultBranch);
      runGit(c.repo, ['merge-base', '--is-ancestor', firstCommit, result]);
      expectNoOverlap(agent.log());
    },
    4 * minutes,
  );

  it(
    'the orchestrator killed (-9), then resume: running jobs re-adopted, finished ones collected, none run twice',
    async () => {
      const agent = await gatedAgent('agent');
      const c = await cluster({ tasks: 3, workers: ['w1', 'w2'], slots: 2, config: agent.config });
      const proc = orchestrate(c, ['run', '--plan', c.plan, '--agents', '3']);
      await vi.waitFor(
        () => expect([...agent.started()].sort(), proc.output().slice(-3000)).toEqual(['t1', 't2', 't3']),
        {
          timeout: 2 * minutes,
          interval: 100,
        },
      );
      proc.kill('SIGKILL');
      await proc.exited;
      agent.open();
      // While nobody orchestrates, the workers finish: their branches wait on the remote.
      await vi.waitFor(() => expect(doneRefs(c)).toBe(3), { timeout: 2 * minutes, interval: 200 });
      const resumed = await finished(orchestrate(c, ['resume']));
      expect(resumed.code, resumed.stderr).toBe(0);
      expectAllMerged(resumed.events, 3);
      const adopted = resumed.events.filter(
        (e) => e.type === 'log' && String(e.message).includes('re-adopted job'),
      );
      expect(adopted).toHaveLength(3);
      const starts = agent.log().filter((line) => line.startsWith('start'));
      expect(starts).toHaveLength(3);
      // maestro clean takes the run's refs off the remote with its worktrees; the remote's own branch stays.
      expect(remoteRefs(c, 'refs/maestro/*').length).toBeGreaterThan(3);
      const clean = startCli(['clean'], c.repo, c.env);
      expect(await clean.exited, clean.stderr()).toBe(0);
      expect(clean.stdout()).toMatch(/^removed \d+ ref\(s\) of run /m);
      expect(remoteRefs(c, 'refs/maestro/*')).toEqual([]);
      expect(remoteRefs(c, 'refs/heads/main')).toHaveLength(1);
    },
    4 * minutes,
  );

  it(
    'Redis restarted mid-run (every key lost): the run still merges every task',
    async () => {
      const agent = await gatedAgent('agent');
      const c = await cluster({
        tasks: 3,
        workers: ['w1', 'w2'],
        slots: 2,
        stallSeconds: 4,
        config: agent.config,
      });
      const proc = orchestrate(c, ['run', '--plan', c.plan, '--agents', '3']);
      await vi.waitFor(
        () => expect([...agent.started()].sort(), proc.output().slice(-3000)).toEqual(['t1', 't2', 't3']),
        {
          timeout: 2 * minutes,
          interval: 100,
        },
      );
      await c.redis.restart();
      agent.open();
      const run = await finished(proc);
      expect(run.code, run.stderr).toBe(0);
      expectAllMerged(run.events, 3);
      expectNoOverlap(agent.log());
    },
    4 * minutes,
  );

  it(
    'Redis gone for good mid-run: the waiting task fails with a clear error after redisOutageSeconds, the run ends',
    async () => {
      const agent = await gatedAgent('agent');
      const c = await cluster({
        tasks: 1,
        workers: ['w1'],
        config: agent.config,
        executor: { redisOutageSeconds: 3 },
      });
      const proc = orchestrate(c, ['run', '--plan', c.plan, '--agents', '1']);
      await vi.waitFor(() => expect([...agent.started()], proc.output().slice(-3000)).toEqual(['t1']), {
        timeout: 2 * minutes,
        interval: 100,
      });
      await c.redis.stop();
      // Bounded, with the output in the failure message: each step of the end must come.
      await proc.waitFor('"type":"task.failed"', minutes);
      await proc.waitFor('"type":"run.finished"', minutes);
      // The process exits too: closing the executor does not wait on a Redis that is gone.
      const timeout = new Promise<'still running'>((resolve) =>
        setTimeout(resolve, minutes, 'still running'),
      );
      expect(await Promise.race([proc.exited, timeout]), proc.stderr()).not.toBe('still running');
      const run = await finished(proc);
      expect(run.code, run.stderr).not.toBe(0);
      const failed = tasksOf(run.events, 'task.failed', 't1')[0];
      expect(String(failed?.reason)).toMatch(
        /^Redis has not answered for \d+ s while task t1 waited for job \S+: check that the server runs/,
      );
      expect(run.events.find((e) => e.type === 'run.finished')?.status).toBe('failed');
    },
    4 * minutes,
  );

  it(
    'a worker that cannot reach the remote takes no job (the run says none took it); one whose push is refused fails clearly and the job is retried',
    async () => {
      let remote = '';
      const c = await cluster({
        tasks: 2,
        workers: [],
        config: { agent: writesItsFile },
        executor: { unclaimedWarnSeconds: 1 },
        beforeWorkers: async (r) => {
          remote = r;
          await refusePushesWhenFlagged(r);
        },
      });
      const proc = orchestrate(c, ['run', '--plan', c.plan, '--agents', '2']);
      await proc.waitFor(/queued as job[\s\S]*queued as job/, 2 * minutes);
      const lost = await startWorker({
        name: 'lost',
        redis: c.redis.url,
        remote: '/nonexistent/shared.git',
        env: {},
        wait: false,
      });
      expect(await lost.exited).toBe(1);
      expect(lost.stderr()).toMatch(
        /^maestro: reading the git remote \/nonexistent\/shared\.git failed: .+\n$/,
      );
      // The run says that no worker took its jobs, and what to do.
      await proc.waitFor(
        /no worker has taken job \S+ in \d+ s; no worker is connected to queue maestro: start one/,
      );
      const queue = new Queue('maestro', { connection: { url: c.redis.url }, prefix: 'maestro' });
      try {
        expect(await queue.getJobCounts('waiting', 'active')).toEqual({ waiting: 2, active: 0 });
      } finally {
        await queue.close();
      }
      const refused = await startWorker({
        name: 'refused',
        redis: c.redis.url,
        remote,
        env: { MAESTRO_TEST_REFUSE_PUSH: '1' },
      });
      await refused.waitFor('refused by the test hook', 2 * minutes);
      await startWorker({ name: 'good', redis: c.redis.url, remote, env: {} });
      const run = await finished(proc);
      expect(run.code, run.stderr).toBe(0);
      expectAllMerged(run.events, 2);
      const failure = run.events.find(
        (e) => e.type === 'log' && String(e.message).includes('refused by the test hook'),
      );
      expect(failure?.message).toMatch(
        /on worker refused: git push of task t\d to .+ failed: .*refused by the test hook/,
      );
      const merges = run.events.filter((e) => e.type === 'task.started').map((e) => e.worker);
      expect(merges).toContain('good');
    },
    4 * minutes,
  );
});

describe('a worker after a failed push', () => {
  it(
    'keeps its slot: the next task it takes gets a worktree, and the refused one is retried there',
    async () => {
      const c = await cluster({
        tasks: 2,
        workers: [],
        config: { agent: writesItsFile },
        beforeWorkers: refuseFirstTaskPush,
      });
      const proc = orchestrate(c, ['run', '--plan', c.plan, '--agents', '2']);
      await proc.waitFor(/queued as job[\s\S]*queued as job/, 2 * minutes);
      // One slot: the job that failed must hand its worktree's place back, or the next job waits for ever.
      await startWorker({ name: 'solo', redis: c.redis.url, remote: c.remote, env: {}, slots: 1 });
      const run = await finished(proc);
      expect(run.code, run.stderr).toBe(0);
      expectAllMerged(run.events, 2);
      const refusal = run.events.filter(
        (e) => e.type === 'log' && String(e.message).includes('refused once by the test hook'),
      );
      expect(refusal).toHaveLength(1);
      expect(new Set(run.events.filter((e) => e.type === 'task.started').map((e) => e.worker))).toEqual(
        new Set(['solo']),
      );
    },
    4 * minutes,
  );
});

function doneRefs(c: Cluster): number {
  return remoteRefs(c, 'refs/maestro/*/done/*').length;
}

/** The remote's refs matching `pattern`, one line each. */
function remoteRefs(c: Cluster, pattern: string): string[] {
  return runGit(c.repo, ['ls-remote', c.remote, pattern]).split('\n').filter(Boolean);
}
