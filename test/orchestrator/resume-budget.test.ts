import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir, tempRepo, runGit } from '../helpers/repo.js';
import { commonDirOf, fakeServer, taskRules } from './e2e-helpers.js';
import { journalPath } from '../../src/orchestrator/journal.js';
import { runDir } from '../../src/orchestrator/run-paths.js';
import type { FakeServer } from '../../src/llm/fake/index.js';
import type { RunState } from '../../src/orchestrator/run-state.js';

const write = (path: string, content: string) => ({ name: 'write_file', arguments: { path, content } });

async function setup() {
  const repo = await tempRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
  const worktrees = await tempDir('maestro-wt-');
  await writeFile(
    join(repo, '.maestrorc.json'),
    JSON.stringify({ defaultModel: 'gpt-6.1-terra', worktreeDir: worktrees, agentLimits: { maxTurns: 5 } }),
  );
  runGit(repo, ['add', '.maestrorc.json']);
  runGit(repo, ['commit', '-qm', 'config']);
  const plan = join(await tempDir(), 'plan.yaml');
  await writeFile(
    plan,
    [
      'tasks:',
      '  - {id: ta, title: A, instructions: Uppercase a.txt, files: [a.txt]}',
      '  - {id: tb, title: B, instructions: Uppercase b.txt, files: [b.txt], dependsOn: [ta]}',
      '',
    ].join('\n'),
  );
  const server = await fakeServer({
    tokenLatencyMs: 0,
    rules: [...taskRules('ta', write('a.txt', 'A\n')), ...taskRules('tb', write('b.txt', 'B\n'))],
    fallback: { text: 'unexpected' },
  });
  return { repo, plan, server };
}

const cli = (args: string[], cwd: string, server: FakeServer) =>
  runCli(args, {
    cwd,
    env: { OPENAI_API_KEY: 'sk-test-key-1234567890abcdef', OPENAI_BASE_URL: server.openaiBaseURL },
  });

async function status(repo: string, server: FakeServer): Promise<RunState> {
  return JSON.parse((await cli(['status', '--json'], repo, server)).stdout) as RunState;
}

describe('maestro resume --budget', () => {
  it('continues a run stopped by its budget with a larger cap, and refuses one not above the spend', async () => {
    const { repo, plan, server } = await setup();
    // The first model turn (gpt-6.1-terra prices, a few thousand prompt tokens) already costs more than this.
    const first = await cli(
      ['run', '--plan', plan, '--agents', '1', '--budget', '0.001', '--headless'],
      repo,
      server,
    );
    expect(first.exitCode).toBe(1);
    expect(first.stdout).toMatch(/budget: run reached \$\S+ of \$0\.0010/);
    expect(first.stdout).toMatch(/--budget <usd>/);
    const stopped = await status(repo, server);
    expect(stopped).toMatchObject({ outcome: 'stopped', budget: { runUsd: 0.001 } });
    expect(stopped.budgetExceeded).toMatchObject({ scope: 'run', limitUsd: 0.001 });
    expect(stopped.tasks.tb?.state).not.toBe('merged');
    const journal = journalPath(runDir(await commonDirOf(repo), stopped.runId));
    const journaled = await readFile(journal);

    // A cap not above what the run spent would stop it again at once: refused, nothing journaled.
    for (const budget of ['0.001', String(stopped.costUsd)]) {
      const refused = await cli(['resume', stopped.runId, '--budget', budget], repo, server);
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toContain(`--budget ${budget}: run ${stopped.runId} has already spent $`);
      expect(refused.stderr).toContain('give a budget above that');
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stdout).toBe('');
      expect(await readFile(journal)).toEqual(journaled);
    }

    const resumed = await cli(['resume', stopped.runId, '--budget', '5'], repo, server);
    expect(resumed.stderr).toBe('');
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toMatch(/budget: run cap \$5\.00, task cap none from now on/);
    expect(resumed.stdout).toMatch(/tb: merged [0-9a-f]{8}/);
    const branch = stopped.resultBranch as string;
    expect(runGit(repo, ['show', `${branch}:a.txt`])).toBe('A');
    expect(runGit(repo, ['show', `${branch}:b.txt`])).toBe('B');

    const after = await status(repo, server);
    expect(after).toMatchObject({ outcome: 'merged', budget: { runUsd: 5, taskUsd: null } });
    expect(after.budgetExceeded).toBeUndefined();
    expect((await cli(['status'], repo, server)).stdout).toContain('(budget $5.00)');
    expect((await cli(['cost', stopped.runId], repo, server)).stdout).toMatch(/budget \$5\.00, \d+% used/);
  });
});
