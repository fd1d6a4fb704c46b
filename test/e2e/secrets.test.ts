import { describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit, tempDir } from '../helpers/repo.js';
import { REDACTED } from '../../src/util/redact.js';
import { runCli } from '../helpers/cli.js';
import {
  call,
  conversation,
  eventOf,
  fakeServer,
  fixtureRepo,
  isolatedEnv,
  parseEvents,
  runOnFake,
} from './harness.js';

/**
 * Issue 4: API keys never appear in the journal, logs, error messages, transcripts, commits or an
 * agent's environment. Plant distinctive fake keys, run a real job whose agent dumps its environment
 * and whose provider echoes the key back in a 401, then grep everything the run produced.
 */

const planted = {
  OPENAI_API_KEY: 'sk-test-PLANTED-openai-7f3a9c2e1b4d',
  ANTHROPIC_API_KEY: 'sk-ant-PLANTED-anthropic-5e8d2a7c9f01',
  GITHUB_TOKEN: 'ghp_PLANTEDgithubtoken4c1e9b7a2d',
  SOME_SECRET: 'planted-some-secret-3d9a7e1f',
};
const values = Object.values(planted);
const canary = 'MAESTRO_E2E_CANARY';

const dumpScript =
  "import { writeFileSync } from 'node:fs';\n" +
  "writeFileSync('env-dump.txt', Object.entries(process.env).map(([k, v]) => `${k}=${v}`).join('\\n') + '\\n');\n";

const plan = {
  objective: 'Record the agent environment, then touch the README',
  tasks: [
    { id: 'dump-env', title: 'Dump the environment', instructions: 'Run the env commands.', dependsOn: [] },
    { id: 'echo-error', title: 'Edit the README', instructions: 'Edit README.md.', dependsOn: ['dump-env'] },
  ],
};

/** Every regular file below `dir`, recursively (a missing folder has none). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The planted values found in `text`, with where. */
function leaks(where: string, text: string): string[] {
  return values.filter((value) => text.includes(value)).map((value) => `${where}: ${value}`);
}

describe('secrets never leave the orchestrator', () => {
  it('planted keys appear in no journal, state, log, transcript, commit, worktree, output or agent env', async () => {
    const server = await fakeServer({
      tokenLatencyMs: 0,
      rules: [
        {
          name: 'planner',
          match: { hasTool: 'submit_plan' },
          reply: { toolCalls: [{ name: 'submit_plan', arguments: plan }] },
        },
        ...conversation('dump-env', [
          call('run_command', { command: 'env' }),
          call('run_command', { command: 'node dump-env.mjs' }),
          call('finish', { summary: 'Dumped the environment to env-dump.txt.' }),
        ]),
        {
          // A provider that echoes the key it was sent, like OpenAI's "Incorrect API key provided".
          name: 'echo-error',
          match: { anyMessage: '(id echo-error)' },
          fault: {
            type: 'status',
            status: 401,
            message: `Incorrect API key provided: ${planted.OPENAI_API_KEY} (also saw ${planted.ANTHROPIC_API_KEY}, ${planted.GITHUB_TOKEN}, ${planted.SOME_SECRET})`,
          },
        },
      ],
    });
    const fixture = await fixtureRepo(
      { 'README.md': '# secrets\n', 'dump-env.mjs': dumpScript },
      { allowCommands: ['env', 'node dump-env.mjs'], validate: ['env'], allowEnv: [canary] },
    );
    const tmp = await tempDir('maestro-e2e-tmp-');
    const result = await runOnFake(
      fixture,
      server,
      ['run', '--task', plan.objective, '--headless', '--json'],
      {
        ...planted,
        [canary]: 'visible',
        TMPDIR: tmp,
      },
    );

    // The run really happened: the env dump merged, the 401 path failed its task.
    const events = parseEvents(result.stdout);
    expect(eventOf(events, 'run.finished')).toMatchObject({ merged: ['dump-env'], failed: ['echo-error'] });
    expect(result.exitCode).toBe(1);
    // Validation ran `env` in the worktree too; its output is journaled like any command's.
    expect(events.some((e) => e.type === 'task.validated' && e.taskId === 'dump-env')).toBe(true);
    const branch = String(eventOf(events, 'run.started').resultBranch);

    // The agent's environment: the dump exists and shows ordinary variables, but no key, token or secret.
    const dump = runGit(fixture.repo, ['show', `${branch}:env-dump.txt`]);
    expect(dump).toContain(`${canary}=visible`);
    for (const name of Object.keys(planted)) expect(dump).not.toMatch(new RegExp(`^${name}=`, 'm'));
    expect(leaks('env dump', dump)).toEqual([]);

    const found: string[] = [...leaks('stdout', result.stdout), ...leaks('stderr', result.stderr)];
    // Journal, state, locks, transcripts, logs: everything in the repo (incl. .git/maestro), worktrees, home, tmp.
    for (const root of [fixture.repo, fixture.worktrees, fixture.home, tmp]) {
      for (const file of await filesUnder(root)) found.push(...leaks(file, await readFile(file, 'latin1')));
    }
    // Every commit on every ref, with its patch and message.
    found.push(...leaks('git log', runGit(fixture.repo, ['log', '-p', '--all', '--format=%H%n%B'])));
    // What the model was sent (tool results such as `env` output); the key belongs only in the auth header.
    for (const request of server.requests)
      found.push(...leaks(`request ${request.ruleName}`, request.rawBody));
    expect(found).toEqual([]);

    // The error path ran and said what to do, with the echoed key blanked out.
    expect(result.stderr).toContain(`rejected the API key; check the API key variable`);
    expect(result.stderr).toContain(`Incorrect API key provided: ${REDACTED}`);
    const journal = (await filesUnder(join(fixture.repo, '.git', 'maestro'))).find((f) =>
      f.endsWith('events.jsonl'),
    );
    expect(await readFile(journal ?? 'missing journal', 'utf8')).toContain(
      `Incorrect API key provided: ${REDACTED}`,
    );
    expect(runGit(fixture.repo, ['for-each-ref', '--format=%(refname)', 'refs/'])).toContain(branch);
  });

  it("an external agent CLI's process environment holds no key, token or secret", async () => {
    const fixture = await fixtureRepo(
      { 'README.md': '# secrets\n', 'dump-env.mjs': dumpScript },
      { agent: { command: ['node', 'dump-env.mjs', '{prompt}'] }, allowEnv: [canary] },
    );
    const dir = await tempDir('maestro-e2e-plan-');
    const planFile = join(dir, 'plan.json');
    await writeFile(planFile, JSON.stringify({ objective: 'dump', tasks: [plan.tasks[0]] }));
    const result = await runCli(['--trust-config', 'run', '--plan', planFile, '--headless', '--json'], {
      cwd: fixture.repo,
      env: { ...isolatedEnv(fixture.home), ...planted, [canary]: 'visible' },
    });
    expect(result.exitCode).toBe(0);
    const events = parseEvents(result.stdout);
    expect(eventOf(events, 'run.finished')).toMatchObject({ merged: ['dump-env'] });
    const dump = runGit(fixture.repo, [
      'show',
      `${String(eventOf(events, 'run.started').resultBranch)}:env-dump.txt`,
    ]);
    expect(dump).toContain(`${canary}=visible`);
    for (const name of Object.keys(planted)) expect(dump).not.toMatch(new RegExp(`^${name}=`, 'm'));
    const found = [
      ...leaks('stdout', result.stdout),
      ...leaks('stderr', result.stderr),
      ...leaks('env dump', dump),
    ];
    for (const file of await filesUnder(join(fixture.repo, '.git', 'maestro'))) {
      found.push(...leaks(file, await readFile(file, 'utf8')));
    }
    expect(found).toEqual([]);
  });
});
