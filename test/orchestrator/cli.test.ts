import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir, tempRepo, runGit } from '../helpers/repo.js';
import { fakeServer, taskRules } from './e2e-helpers.js';
import type { FakeServer } from '../../src/llm/fake/index.js';
import type { RunEvent } from '../../src/events.js';

const write = (path: string, content: string) => ({ name: 'write_file', arguments: { path, content } });

async function setup(extraRules: Parameters<typeof fakeServer>[0]['rules'] = []) {
  const repo = await tempRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'src/x.ts': 'x\n', 'src/y.ts': 'y\n' });
  const worktrees = await tempDir('maestro-wt-');
  await writeFile(
    join(repo, '.maestrorc.json'),
    JSON.stringify({ defaultModel: 'gpt-6.1-terra', worktreeDir: worktrees, agentLimits: { maxTurns: 5 } }),
  );
  runGit(repo, ['add', '.maestrorc.json']);
  runGit(repo, ['commit', '-qm', 'config']);
  const server = await fakeServer({
    tokenLatencyMs: 0,
    rules: [
      {
        match: { hasTool: 'submit_plan' },
        reply: {
          toolCalls: [
            {
              name: 'submit_plan',
              arguments: {
                tasks: [
                  {
                    id: 'ta',
                    title: 'Upper a',
                    instructions: 'Uppercase a.txt',
                    files: ['a.txt'],
                    dependsOn: [],
                  },
                  {
                    id: 'tb',
                    title: 'Upper b',
                    instructions: 'Uppercase b.txt',
                    files: ['b.txt'],
                    dependsOn: ['ta'],
                  },
                ],
              },
            },
          ],
        },
      },
      ...extraRules,
      ...taskRules('ta', write('a.txt', 'A\n')),
      ...taskRules('tb', write('b.txt', 'B\n')),
    ],
    fallback: { text: 'unexpected' },
  });
  return { repo, server };
}

const cli = (args: string[], cwd: string, server?: FakeServer) =>
  runCli(args, {
    cwd,
    env: server
      ? { OPENAI_API_KEY: 'sk-test-key-1234567890abcdef', OPENAI_BASE_URL: server.openaiBaseURL }
      : {},
  });

describe('maestro run (headless) and the run commands', () => {
  it('plans with the model, runs, merges, and reports; then status, runs and clean', async () => {
    const { repo, server } = await setup();
    const result = await cli(['run', '--task', 'Uppercase the files', '--headless'], repo, server);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/plan: 2 task\(s\) from llm/);
    expect(result.stdout).toMatch(/ta: merged [0-9a-f]{8}/);
    const branch = /into (maestro\/\S+\/result)/.exec(result.stdout)?.[1] as string;
    expect(result.stdout).toContain(`git switch ${branch}`);
    expect(runGit(repo, ['show', `${branch}:b.txt`])).toBe('B');

    const status = await cli(['status', '--json'], repo);
    expect(JSON.parse(status.stdout)).toMatchObject({ outcome: 'merged', order: ['ta', 'tb'] });
    // Merged tasks' worktrees are gone (tb's was ta's, switched in place); their branches stay until clean.
    expect(JSON.parse(status.stdout).worktreeDisk).toMatchObject({ worktrees: 0, bytes: 0 });
    expect((await cli(['status'], repo)).stdout).toMatch(/worktrees: none left on disk/);
    const runs = await cli(['runs'], repo);
    expect(runs.stdout).toMatch(/merged\s+2\/2 merged/);
    const clean = await cli(['clean'], repo);
    expect(clean.stdout).toContain('removed 2 task worktree(s)');
    expect(runGit(repo, ['branch', '--list', 'maestro/*/tasks/*'])).toBe('');
    expect(runGit(repo, ['rev-parse', '--verify', branch])).toMatch(/^[0-9a-f]{40}$/);
  });

  it('prints NDJSON with --json and exits 3 when a conflict awaits review', async () => {
    const { repo, server } = await setup(taskRules('tc', write('a.txt', 'CONFLICT\n'), { latencyMs: 400 }));
    const plan = join(repo, '..', `${repo.split('/').at(-1)}-plan.yaml`);
    await writeFile(
      plan,
      'tasks:\n  - {id: ta, title: A, instructions: a, files: [a.txt]}\n  - {id: tc, title: C, instructions: c, files: [a.txt]}\n',
    );
    const result = await cli(['run', '--plan', plan, '--json'], repo, server);
    expect(result.exitCode).toBe(3);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RunEvent);
    expect(events.map((e) => e.type)).toContain('plan.overlaps');
    // Both touch a.txt from the same base: whichever merges second conflicts.
    const finished = events.at(-1);
    expect(finished).toMatchObject({ type: 'run.finished', status: 'conflicts' });
    if (finished?.type === 'run.finished')
      expect([...finished.merged, ...finished.conflicted].sort()).toEqual(['ta', 'tc']);
    expect(finished?.type === 'run.finished' && finished.conflicted).toHaveLength(1);
    expect(result.stderr).toContain('maestro resolve');
    // The conflicted task keeps its worktree for review; the merged one's is gone.
    const status = await cli(['status'], repo);
    expect(status.stdout).toMatch(/worktrees: 1 worktree, [\d.]+ [KM]B on disk in /);
  });

  it('maestro plan prints a tree and saves a plan that maestro run --plan accepts', async () => {
    const { repo, server } = await setup();
    const out = join(await tempDir(), 'plan.yaml');
    const planned = await cli(['plan', '--task', 'Uppercase', '--out', out], repo, server);
    expect(planned.exitCode).toBe(0);
    expect(planned.stdout).toMatch(/└─ ta: Upper a {2}\[a\.txt\]\n {3}└─ tb: Upper b {2}\[b\.txt\]/);
    const again = await cli(['run', '--plan', out, '--headless'], repo, server);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('plan: 2 task(s) from file');
    const each = await cli(
      ['plan', '--task', 'Lint', '--each', 'src/*.ts', '--json', '--out', join(await tempDir(), 'p.json')],
      repo,
    );
    expect(JSON.parse(each.stdout).tasks.map((t: { id: string }) => t.id)).toEqual(['src-x-ts', 'src-y-ts']);
  });

  it.each([
    [['run', '--task', 'x', '--agents', '0'], '--agents 0: give a whole number from 1 to 64'],
    [['run', '--task', 'x', '--budget', '-3'], '--budget -3: give a positive amount'],
    [['run', '--task', 'x', '--provider', 'acme'], '--provider acme: use one of'],
    [['run', '--plan', 'nope.yaml'], 'nope.yaml: plan file not found'],
    [['run', '--task', 'x', '--plan', 'p.yaml', '--each', '*.ts'], '--plan and --each both'],
    [['run', '--each', '*.ts'], 'say what to do with --task'],
    [['run', '--task', 'x', '--each', '*.py'], '--each *.py matches no tracked file'],
    [['run', '--task', 'x'], 'OpenAI models need an API key'],
    [['run', '--task', 'x', '--template', 'nope'], 'no template named nope'],
    [['status', 'not-a-run'], "'not-a-run' is not a run id"],
    [['status'], 'No maestro run in this repository yet'],
    [['resume', '20260101-0000-abcd'], 'No run 20260101-0000-abcd'],
  ])('bad input %j exits 2 with one line', async (args, message) => {
    const repo = await tempRepo({ 'a.ts': 'a\n' });
    const result = await cli(args, repo);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses to run outside a git repository (exit 2)', async () => {
    const result = await cli(['run', '--task', 'x'], await tempDir());
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('not inside a git repository');
  });
});
