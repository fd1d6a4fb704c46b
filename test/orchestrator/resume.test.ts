import { describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { foldRun } from '../../src/orchestrator/run-state.js';
import { planBudgetChange, planResume } from '../../src/orchestrator/resume.js';
import { resumeJob } from '../../src/orchestrator/resume-job.js';
import { runJob } from '../../src/orchestrator/run-job.js';
import { readJournalFile } from '../../src/orchestrator/journal-file.js';
import { journalPath } from '../../src/orchestrator/journal.js';
import { runDir } from '../../src/orchestrator/run-paths.js';
import { tasksIn } from '../../src/orchestrator/run-state.js';
import type { RunEvent, RunEventBody } from '../../src/events.js';
import { planSchema } from '../../src/orchestrator/plan.js';
import { tempRepo, runGit, tempDir } from '../helpers/repo.js';
import { commonDirOf, e2eConfig, fakeServer, realExecutor, taskRules } from './e2e-helpers.js';
import type { FakeServer } from '../../src/llm/fake/index.js';

const plan = planSchema.parse({
  objective: 'o',
  tasks: [
    { id: 'ta', title: 'A', instructions: 'a', files: ['a.txt'] },
    { id: 'tb', title: 'B', instructions: 'b', files: ['b.txt'] },
    { id: 'tc', title: 'C', instructions: 'c', files: ['c.txt'], dependsOn: ['ta'] },
    { id: 'td', title: 'D', instructions: 'd', files: ['d.txt'] },
  ],
});

describe('planResume', () => {
  const events = (...bodies: RunEventBody[]): RunEvent[] =>
    bodies.map((b, i) => ({ ...b, seq: i + 1, time: '2026-01-01T00:00:00Z', runId: 'r' }) as RunEvent);
  const started = (taskId: string): RunEventBody => ({
    type: 'task.started',
    taskId,
    agentId: taskId,
    branch: `b/${taskId}`,
    worktree: `/w/${taskId}`,
    baseCommit: 'base',
    attempt: 1,
  });
  const state = foldRun(
    'r',
    events(
      { type: 'plan.ready', plan, source: 'file' },
      started('ta'),
      started('tb'),
      { type: 'task.merged', taskId: 'tb', commit: 'm-tb', resultBranch: 'res' },
      started('td'),
      { type: 'task.stopped', taskId: 'td', reason: 'ctrl-c' },
    ),
  );

  it('trusts the result branch: recovers unjournaled merges, re-runs in-flight and stopped tasks', () => {
    const resume = planResume(state, {
      merges: [
        { taskId: 'tb', commit: 'm-tb' },
        { taskId: 'ta', commit: 'm-ta' },
      ],
      resultHead: 'm-ta',
    });
    expect(resume.recovered).toEqual(['ta']);
    expect(resume.rerun).toEqual(['td']);
    expect(resume.events).toEqual([
      { type: 'task.merged', taskId: 'ta', commit: 'm-ta', resultBranch: '' },
      { type: 'task.retried', taskId: 'td' },
    ]);
  });

  it('re-runs a task that was running and one the result branch lost', () => {
    const resume = planResume(state, { merges: [], resultHead: 'base' });
    expect(resume.rerun).toEqual(['ta', 'tb', 'td']);
    expect(resume.lost).toEqual(['tb']);
    const after = foldRun('r', events({ type: 'plan.ready', plan, source: 'file' }, ...resume.events));
    expect(tasksIn(after, 'pending')).toEqual(['ta', 'tb', 'tc', 'td']);
  });
});

describe('planBudgetChange', () => {
  const spent = foldRun('r', [
    {
      type: 'run.started',
      objective: 'o',
      repo: '/repo',
      baseRef: 'main',
      baseCommit: 'base',
      resultBranch: 'res',
      maxAgents: 2,
      model: 'm',
      provider: 'openai',
      confinement: 'sandboxed',
      budget: { runUsd: 1, taskUsd: 0.5 },
      pid: 1,
      seq: 1,
      time: '2026-01-01T00:00:00Z',
      runId: 'r',
    },
    {
      type: 'agent.usage',
      taskId: 'ta',
      model: 'm',
      provider: 'openai',
      usage: { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1 },
      costUsd: 1.25,
      seq: 2,
      time: '2026-01-01T00:00:01Z',
      runId: 'r',
    },
  ]);

  it('journals a new run cap above the spend, keeping the task cap', () => {
    expect(planBudgetChange(spent, 3)).toEqual({
      type: 'budget.changed',
      budget: { runUsd: 3, taskUsd: 0.5 },
      spentUsd: 1.25,
    });
    expect(planBudgetChange(spent, undefined)).toBeUndefined();
  });

  it.each([1, 1.25, 0.5])('refuses a cap of %s, not above the $1.25 spent (exit 2)', (runUsd) => {
    expect(() => planBudgetChange(spent, runUsd)).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: `--budget ${runUsd}: run r has already spent $1.2500; give a budget above that to continue it.`,
      }),
    );
  });
});

const child = fileURLToPath(new URL('./fixtures/run-child.ts', import.meta.url));
const write = (path: string, content: string) => ({ name: 'write_file', arguments: { path, content } });

function scenario() {
  return {
    tokenLatencyMs: 0,
    rules: [
      ...taskRules('ta', write('a.txt', 'A\n'), { latencyMs: 150 }),
      ...taskRules('tb', write('b.txt', 'B\n'), { latencyMs: 250 }),
      ...taskRules('tc', write('c.txt', 'C\n'), { latencyMs: 150 }),
      ...taskRules('td', write('d.txt', 'D\n'), { latencyMs: 100 }),
    ],
    fallback: { text: 'unexpected' },
  };
}

async function runOptions(repo: string, server: FakeServer) {
  const config = await e2eConfig();
  return { config, common: await commonDirOf(repo), executor: realExecutor(repo, config, server) };
}

function taskRefs(repo: string): Map<string, string> {
  const out = runGit(repo, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/maestro/']);
  return new Map(
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]),
  );
}

describe('kill -9 of the orchestrator, then resume', () => {
  it('loses no commit, leaves no orphan worktree, and ends like an uninterrupted run', async () => {
    // The uninterrupted reference run.
    const reference = await tempRepo({ 'README.md': '# r\n' });
    const refServer = await fakeServer(scenario());
    const refOpts = await runOptions(reference, refServer);
    const { run: refRun, state: refState } = await runJob({
      repo: reference,
      commonDir: refOpts.common,
      plan,
      planSource: 'file',
      baseRef: 'main',
      maxAgents: 2,
      model: 'gpt-4o',
      provider: 'openai',
      confinement: 'sandboxed',
      budget: { runUsd: null, taskUsd: null },
      executor: refOpts.executor,
    });
    expect(refState.outcome).toBe('merged');
    const expectedTree = runGit(reference, ['rev-parse', `${refRun.resultBranch}^{tree}`]);

    // Kill points spread over the run: early, middle, late (by journal length).
    for (const killAfter of [3, 9, 15]) {
      const repo = await tempRepo({ 'README.md': '# r\n' });
      const server = await fakeServer(scenario());
      const worktreeDir = await tempDir('maestro-wt-');
      const runId = `20260101-0000-${(1000 + killAfter).toString(16).padStart(4, '0').slice(-4)}`;
      const common = await commonDirOf(repo);
      const proc = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          child,
          JSON.stringify({ repo, worktreeDir, baseURL: server.openaiBaseURL, plan, runId }),
        ],
        { stdio: 'ignore' },
      );
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      await vi.waitFor(
        async () =>
          expect(
            (await readJournalFile(journalPath(runDir(common, runId)))).events.length,
          ).toBeGreaterThanOrEqual(killAfter),
        { timeout: 20_000, interval: 20 },
      );
      proc.kill('SIGKILL');
      await exited;
      const before = taskRefs(repo);

      const config = await e2eConfig({ worktreeDir });
      const { run, state } = await resumeJob({
        repo,
        runId,
        worktreeRoot: worktreeDir,
        confinement: 'sandboxed',
        executor: realExecutor(repo, config, server),
      });
      const detail = JSON.stringify(Object.values(state.tasks).map((t) => [t.id, t.state, t.reason]));
      expect(state.outcome, `killed after ${killAfter} events: ${detail}`).toBe('merged');
      const tree = (r: string, b: string) =>
        runGit(r, ['ls-tree', '-r', '--name-only', `${b}^{tree}`]).split('\n');
      expect(tree(repo, run.resultBranch), `killed after ${killAfter} events`).toEqual(
        tree(reference, refRun.resultBranch),
      );
      expect(runGit(repo, ['rev-parse', `${run.resultBranch}^{tree}`])).toBe(expectedTree);
      // Every commit a maestro branch had before the resume is still reachable from that branch.
      for (const [ref, commit] of before) {
        expect(runGit(repo, ['merge-base', '--is-ancestor', commit, ref]) === '').toBe(true);
      }
      // One worktree per task at most, none outside the plan, none left unlocked by a dead pid.
      const worktrees = runGit(repo, ['worktree', 'list', '--porcelain'])
        .split('\n')
        .filter((l) => l.startsWith('branch refs/heads/maestro/'));
      const tasks = worktrees.map((l) => l.split('/').at(-1));
      expect(new Set(tasks).size).toBe(tasks.length);
      for (const t of tasks) expect(plan.tasks.map((p) => p.id)).toContain(t);
    }
  }, 120_000);
});
