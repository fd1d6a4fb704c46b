import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/orchestrator/journal.js';
import { gitCommonDir, runDir } from '../../src/orchestrator/run-paths.js';
import type { costReport } from '../../src/orchestrator/cost-report.js';
import type { RunEventBody } from '../../src/events.js';
import type { Usage } from '../../src/llm/types.js';
import { runCli } from '../helpers/cli.js';
import { tempRepo } from '../helpers/repo.js';

const usage = (
  inputTokens: number,
  cachedInputTokens: number,
  cacheWriteTokens: number,
  outputTokens: number,
): Usage => ({
  inputTokens,
  cachedInputTokens,
  cacheWriteTokens,
  outputTokens,
});

function runEvents(): RunEventBody[] {
  return [
    {
      type: 'run.started',
      objective: 'add types',
      repo: '/r',
      baseRef: 'main',
      baseCommit: 'abc',
      resultBranch: 'maestro/x/result',
      maxAgents: 2,
      model: 'claude-sonnet-4-5',
      provider: 'anthropic',
      budget: { runUsd: 2, taskUsd: null },
      pid: 1,
    },
    {
      type: 'task.started',
      taskId: 'a',
      agentId: 'agent-1',
      branch: 'b',
      worktree: '/w',
      baseCommit: 'abc',
      attempt: 1,
    },
    {
      type: 'task.started',
      taskId: 'b',
      agentId: 'agent-2',
      branch: 'b',
      worktree: '/w',
      baseCommit: 'abc',
      attempt: 1,
    },
    {
      type: 'agent.usage',
      taskId: 'a',
      model: 'claude-sonnet-4-5',
      provider: 'anthropic',
      usage: usage(1000, 0, 30000, 500),
      costUsd: 0.12,
    },
    {
      type: 'agent.usage',
      taskId: 'b',
      model: 'claude-sonnet-4-5',
      provider: 'anthropic',
      usage: usage(1200, 30000, 0, 700),
      costUsd: 0.0231,
    },
    {
      type: 'agent.usage',
      taskId: 'a',
      model: 'gpt-6-luna',
      provider: 'openai',
      usage: usage(400, 1000, 0, 100),
      costUsd: 0.0002,
    },
  ];
}

async function journalRun(repo: string, runId: string, bodies: RunEventBody[]): Promise<void> {
  const journal = await Journal.open(runDir(await gitCommonDir(repo), runId), runId);
  for (const body of bodies) await journal.append(body);
  await journal.close();
}

describe('maestro cost', () => {
  it('reports the sum of the journal usage events per run, task, agent and model', async () => {
    const repo = await tempRepo();
    await journalRun(repo, '20261124-0100-aaaa', runEvents());
    const result = await runCli(['cost', '--json'], { cwd: repo });
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as ReturnType<typeof costReport>;
    const run = report.runs[0];
    expect(run?.total.usd).toBeCloseTo(0.12 + 0.0231 + 0.0002, 10);
    expect(run?.total.usage).toEqual(usage(2600, 31000, 30000, 1300));
    expect(run?.byTask.a?.usd).toBeCloseTo(0.1202, 10);
    expect(run?.byAgent['agent-2']?.usage.cachedInputTokens).toBe(30000);
    expect(Object.keys(run?.byModel ?? {})).toEqual(['claude-sonnet-4-5', 'gpt-6-luna']);
    expect(run?.budgetUsed).toBeCloseTo((0.12 + 0.0231 + 0.0002) / 2, 10);
    // sonnet: 30k cached reads save 30k*(3-0.3)/1e6 = 0.081; 30k writes cost 30k*(3.75-3)/1e6 = 0.0225 more.
    expect(run?.byModel['claude-sonnet-4-5']?.savedUsd).toBeCloseTo(0.081 - 0.0225, 10);
  });

  it('--since selects runs by start date and totals them', async () => {
    const repo = await tempRepo();
    await journalRun(repo, '20261124-0100-aaaa', runEvents());
    await journalRun(repo, '20261124-0200-bbbb', runEvents());
    const text = await runCli(['cost', '--since', '2000-01-01'], { cwd: repo });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('run 20261124-0100-aaaa  add types');
    expect(text.stdout).toContain('run 20261124-0200-bbbb  add types');
    expect(text.stdout).toMatch(/all 2 runs: \$0\.2866 /);
    const none = await runCli(['cost', '--since', '2999-01-01', '--json'], { cwd: repo });
    expect((JSON.parse(none.stdout) as { runs: unknown[] }).runs).toEqual([]);
  });

  it('bad input: an unknown run and a bad date are one-line errors with exit 2', async () => {
    const repo = await tempRepo();
    const noRuns = await runCli(['cost'], { cwd: repo });
    expect(noRuns).toMatchObject({
      exitCode: 2,
      stderr: 'maestro: No maestro run in this repository yet; start one with `maestro run`.\n',
    });
    const badDate = await runCli(['cost', '--since', 'yesterdayish'], { cwd: repo });
    expect(badDate).toMatchObject({
      exitCode: 2,
      stderr: 'maestro: --since yesterdayish is not a date; use YYYY-MM-DD\n',
    });
  });
});
