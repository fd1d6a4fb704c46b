import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runJob, type StartedRun } from '../../src/orchestrator/run-job.js';
import { planSchema } from '../../src/orchestrator/plan.js';
import { appendCommand } from '../../src/ui/attach/commands-file.js';
import { tempRepo, runGit } from '../helpers/repo.js';
import { commonDirOf, e2eConfig, fakeServer, realExecutor, taskRules } from './e2e-helpers.js';

const write = (path: string, content: string) => ({ name: 'write_file', arguments: { path, content } });
const plan = planSchema.parse({
  objective: 'o',
  tasks: [
    { id: 'ta', title: 'A', instructions: 'a', files: ['a.txt'] },
    { id: 'tb', title: 'B', instructions: 'b', files: ['b.txt'] },
  ],
});
const base = {
  planSource: 'file' as const,
  baseRef: 'main',
  maxAgents: 2,
  model: 'gpt-4o',
  provider: 'openai',
  confinement: 'sandboxed' as const,
};
const noBudget = { runUsd: null, taskUsd: null };

/** Turn 0 writes the file at once; the finishing turn takes 20 s, so a stop lands while the agent waits. */
function slowFinish(id: string, file: string) {
  const [first, second] = taskRules(id, write(file, `${id}\n`));
  return [first!, { ...second!, reply: { ...second!.reply, latencyMs: 20_000 } }];
}

describe('graceful stop, attached commands and hooks with the real executor', () => {
  it('Ctrl-C: agents stop, their work is committed to the task branches, the journal says where it stopped', async () => {
    const repo = await tempRepo();
    const server = await fakeServer({
      tokenLatencyMs: 0,
      rules: [...slowFinish('ta', 'a.txt'), ...slowFinish('tb', 'b.txt')],
    });
    const config = await e2eConfig();
    const controller = new AbortController();
    let started: StartedRun | undefined;
    const running = runJob({
      ...base,
      repo,
      commonDir: await commonDirOf(repo),
      plan,
      budget: noBudget,
      signal: controller.signal,
      executor: realExecutor(repo, config, server),
      onScheduler: (run) => (started = run),
    });
    await vi.waitFor(
      () => {
        const written = started?.journal
          .history()
          .filter((e) => e.type === 'agent.tool_result' && e.name === 'write_file');
        expect(written).toHaveLength(2);
      },
      { timeout: 15_000 },
    );
    controller.abort();
    const { state, run } = await running;
    expect(state.outcome).toBe('stopped');
    expect([state.tasks.ta?.state, state.tasks.tb?.state]).toEqual(['stopped', 'stopped']);
    expect(state.stopReason).toBe('interrupted (Ctrl-C)');
    expect(runGit(repo, ['show', `maestro/${run.runId}/tasks/ta:a.txt`])).toBe('ta');
    expect(runGit(repo, ['show', `maestro/${run.runId}/tasks/tb:b.txt`])).toBe('tb');
    expect(run.journal.history().filter((e) => e.type === 'task.committed')).toHaveLength(2);
  });

  it('an attached TUI stops one task through the commands file; the other carries on', async () => {
    const repo = await tempRepo();
    const server = await fakeServer({
      tokenLatencyMs: 0,
      rules: [...slowFinish('ta', 'a.txt'), ...taskRules('tb', write('b.txt', 'tb\n'), { latencyMs: 300 })],
    });
    const config = await e2eConfig();
    let started: StartedRun | undefined;
    const running = runJob({
      ...base,
      repo,
      commonDir: await commonDirOf(repo),
      plan,
      budget: noBudget,
      executor: realExecutor(repo, config, server),
      onScheduler: (run) => (started = run),
    });
    await vi.waitFor(
      () =>
        expect(
          started?.journal.history().some((e) => e.type === 'agent.tool_result' && e.taskId === 'ta'),
        ).toBe(true),
      { timeout: 15_000 },
    );
    await appendCommand((started as StartedRun).dir, { type: 'stop', taskId: 'ta' });
    const { state } = await running;
    expect([state.tasks.ta?.state, state.tasks.tb?.state]).toEqual(['stopped', 'merged']);
    expect(state.outcome).toBe('failed');
  });

  it('a failing preMerge hook fails the task with the hook named; postCreate runs in the new worktree', async () => {
    const repo = await tempRepo();
    const server = await fakeServer({
      tokenLatencyMs: 0,
      rules: [...taskRules('ta', write('a.txt', 'A\n')), ...taskRules('tb', write('b.txt', 'B\n'))],
    });
    const config = await e2eConfig({
      hooks: {
        postCreate: 'echo "$MAESTRO_TASK_ID" > created.txt',
        preMerge: 'test "$MAESTRO_TASK_ID" != tb',
      },
    });
    const { state, run } = await runJob({
      ...base,
      repo,
      commonDir: await commonDirOf(repo),
      plan,
      budget: noBudget,
      executor: realExecutor(repo, config, server),
    });
    expect(state.tasks.ta?.state).toBe('merged');
    expect(state.tasks.tb).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('preMerge hook'),
    });
    expect(runGit(repo, ['show', `${run.resultBranch}:created.txt`])).toBe('ta');
  });

  it("starts the agent's first model turn while the worktree is still being prepared; tools wait for it", async () => {
    const repo = await tempRepo();
    // Inside the hook's sandbox the repository's .git is readable; other folders in /tmp are hidden.
    const gate = join(repo, '.git', 'test-gate-open');
    const server = await fakeServer({ tokenLatencyMs: 0, rules: taskRules('ta', write('a.txt', 'A\n')) });
    const config = await e2eConfig({
      // postCreate holds the worktree until the test has seen the model asked.
      hooks: { postCreate: `while [ ! -f '${gate}' ]; do sleep 0.02; done; echo held > held.txt` },
    });
    let started: StartedRun | undefined;
    const running = runJob({
      ...base,
      repo,
      commonDir: await commonDirOf(repo),
      plan: planSchema.parse({ objective: 'o', tasks: [plan.tasks[0]] }),
      budget: noBudget,
      executor: realExecutor(repo, config, server),
      onScheduler: (run) => (started = run),
    });
    const types = () => (started as StartedRun).journal.history().map((e) => e.type);
    try {
      await vi.waitFor(() => expect(server.requests.length).toBeGreaterThan(0), { timeout: 15_000 });
      expect(types()).not.toContain('agent.tool_result');
    } finally {
      // Whatever happened above, the hook must not wait forever.
      await writeFile(gate, '');
    }
    const { state, run } = await running;
    expect(state.tasks.ta?.state).toBe('merged');
    // The write ran after the hook: both are in the task's commit.
    expect(runGit(repo, ['show', `${run.resultBranch}:held.txt`])).toBe('held');
  });

  it('a failing postCreate hook fails the task before any tool runs, and nothing is committed', async () => {
    const repo = await tempRepo();
    const server = await fakeServer({ tokenLatencyMs: 0, rules: taskRules('ta', write('a.txt', 'A\n')) });
    const config = await e2eConfig({ hooks: { postCreate: 'exit 3' } });
    const { state, run } = await runJob({
      ...base,
      repo,
      commonDir: await commonDirOf(repo),
      plan: planSchema.parse({ objective: 'o', tasks: [plan.tasks[0]] }),
      budget: noBudget,
      executor: realExecutor(repo, config, server),
    });
    expect(state.tasks.ta).toMatchObject({ state: 'failed', reason: expect.stringContaining('postCreate') });
    const history = run.journal.history();
    expect(history.filter((e) => e.type === 'agent.tool_result' && e.ok)).toEqual([]);
    expect(history.map((e) => e.type)).not.toContain('task.committed');
  });
});
