import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runGit } from '../helpers/repo.js';
import { cluster, finished, orchestrate, writesItsFile } from './fixture.js';
import { testGate } from './gate.js';
import { parseEvents } from '../e2e/harness.js';

const minutes = 60_000;

/** A post-receive hook that logs each push the remote takes as one line: the refs it updated. */
async function logPushes(remote: string): Promise<() => Promise<string[]>> {
  const log = join(remote, 'pushes.log');
  const hook = join(remote, 'hooks', 'post-receive');
  await writeFile(
    hook,
    `#!/bin/sh\nrefs=''\nwhile read -r old new ref; do refs="$refs $ref"; done\necho "$refs" >> '${log}'\n`,
  );
  await chmod(hook, 0o755);
  return async () =>
    (await readFile(log, 'utf8').catch(() => ''))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.includes('/tasks/') || line.includes('/done/'));
}

/** The pushes that carried a ref of task `id`. */
const pushesOf = (pushes: string[], id: string) =>
  pushes.filter((line) => line.split(' ').some((ref) => ref.endsWith(`/${id}`)));

async function runThreeTasks(config: Record<string, unknown>) {
  let pushes: () => Promise<string[]> = async () => [];
  const c = await cluster({
    tasks: 3,
    workers: ['w1'],
    slots: 3,
    config: { agent: writesItsFile, ...config },
    beforeWorkers: async (remote) => void (pushes = await logPushes(remote)),
  });
  const run = await finished(orchestrate(c, ['run', '--plan', c.plan, '--agents', '3']));
  expect(run.code, run.stderr).toBe(0);
  const done = run.events.find((e) => e.type === 'run.finished');
  expect(done?.merged).toHaveLength(3);
  return { c, run, pushes: await pushes() };
}

describe('a worker pushes a task', () => {
  it(
    'with no checks after its commit, once: the task ref and its done ref together',
    async () => {
      const { c, run, pushes } = await runThreeTasks({});
      const runId = String(run.events[0]?.runId);
      for (const id of ['t1', 't2', 't3']) {
        expect(pushesOf(pushes, id), pushes.join('\n')).toEqual([
          expect.stringMatching(new RegExp(`refs/maestro/${runId}/tasks/${id}\\b`)),
        ]);
        expect(pushesOf(pushes, id)[0]).toContain(`refs/maestro/${runId}/done/1/${id}`);
        // The commit it reported is the one on the remote and in the result.
        const commit = String(run.events.find((e) => e.type === 'task.committed' && e.taskId === id)?.commit);
        expect(runGit(c.remote, ['rev-parse', `refs/maestro/${runId}/tasks/${id}`]).trim()).toBe(commit);
        runGit(c.repo, ['merge-base', '--is-ancestor', commit, String(run.events[0]?.resultBranch)]);
      }
    },
    3 * minutes,
  );

  it(
    'with validation after its commit, twice: the commit before the checks, the done ref after them',
    async () => {
      const { run, pushes } = await runThreeTasks({ validate: ['test -d out'] });
      const runId = String(run.events[0]?.runId);
      for (const id of ['t1', 't2', 't3']) {
        const mine = pushesOf(pushes, id);
        expect(mine, pushes.join('\n')).toHaveLength(2);
        expect(mine[0]).toContain(`refs/maestro/${runId}/tasks/${id}`);
        expect(mine[0]).not.toContain('/done/');
        expect(mine[1]).toContain(`refs/maestro/${runId}/done/1/${id}`);
      }
    },
    3 * minutes,
  );

  it(
    'with no checks, stopped mid-agent (the worker told to stop): its work so far goes up, with no done ref',
    async () => {
      const gate = await testGate();
      const body = [
        gate.shell,
        'mkdir -p out && echo "so far" > "out/$MAESTRO_TASK_ID.txt"',
        'gate life "$MAESTRO_TASK_ID $MAESTRO_WORKTREE" &',
        'gate wait',
      ].join('\n');
      let pushes: () => Promise<string[]> = async () => [];
      const c = await cluster({
        tasks: 1,
        workers: ['w1'],
        slots: 1,
        config: { agent: { command: ['sh', '-c', body] }, sandboxHosts: [gate.host] },
        beforeWorkers: async (remote) => void (pushes = await logPushes(remote)),
      });
      const proc = orchestrate(c, ['run', '--plan', c.plan, '--agents', '1']);
      await vi.waitFor(() => expect(gate.started().has('t1'), proc.output().slice(-3000)).toBe(true), {
        timeout: 2 * minutes,
        interval: 100,
      });
      const worker = c.workers[0];
      worker?.kill('SIGTERM');
      expect(await worker?.exited, worker?.output().slice(-3000)).toBe(0);
      const runId = String(parseEvents(proc.stdout()).find((e) => e.type === 'run.started')?.runId);
      const taskRef = `refs/maestro/${runId}/tasks/t1`;
      expect(runGit(c.remote, ['show', `${taskRef}:out/t1.txt`])).toBe('so far');
      expect(await pushes(), (await pushes()).join('\n')).toEqual([taskRef]);
    },
    3 * minutes,
  );
});
