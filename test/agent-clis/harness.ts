import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, it } from 'vitest';
import type { RunEvent } from '../../src/events.js';
import { launcher } from '../helpers/cli.js';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';

/**
 * The real agent CLIs, installed by `.ci/run` into a prefix (never package dependencies):
 * `MAESTRO_AGENT_CLIS=<prefix>` with the programs in `<prefix>/node_modules/.bin`.
 */
const prefix = process.env.MAESTRO_AGENT_CLIS ?? '';
export const cliBinDir = prefix === '' ? '' : join(prefix, 'node_modules', '.bin');

/**
 * A suite for one real CLI. Missing under CI (or with MAESTRO_AGENT_CLIS set): a failing test, so
 * CI cannot pass without it. Missing on a developer machine: skipped, saying how to install it.
 */
export function describeCli(name: string, suite: () => void): void {
  const installed = cliBinDir !== '' && existsSync(join(cliBinDir, name));
  if (installed) {
    // A real CLI start-up plus several model turns per task: minutes under load, not seconds.
    describe(`${name} as a maestro agent (real CLI)`, { timeout: 300_000 }, suite);
    return;
  }
  const how = `install it with: npm install --prefix /tmp/agent-clis <package>@<version> (as .ci/run does) and set MAESTRO_AGENT_CLIS=/tmp/agent-clis`;
  if (process.env.CI || prefix !== '') {
    describe(`${name} as a maestro agent (real CLI)`, () => {
      it(`${name} is installed`, () => {
        throw new Error(`${name} is not under ${cliBinDir || '(MAESTRO_AGENT_CLIS unset)'}: ${how}`);
      });
    });
    return;
  }
  describe.skip(`${name} as a maestro agent (real CLI not installed: ${how})`, suite);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/**
 * maestro's data folder for a test: gemini-cli skips a settings file below a world-writable
 * folder (like /tmp), so this one is made under the user's home.
 */
export async function dataHome(): Promise<string> {
  const root = join(homedir(), '.cache');
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, 'maestro-test-data-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A repository with a test script, a probe of the agent's environment and a slow command. */
export async function agentRepo(config: Record<string, unknown>): Promise<{ repo: string; home: string }> {
  const worktrees = await tempDir('maestro-wt-');
  const repo = await tempRepo({
    'package.json': JSON.stringify({
      name: 'fixture',
      private: true,
      scripts: { test: 'node test.js', probe: 'node probe.js', slow: 'node slow.js' },
    }),
    'test.js': "console.log('tests pass');\n",
    // Names of the credential variables the agent's commands see (their values stay out of git).
    'probe.js':
      "const names = Object.keys(process.env).filter((n) => /KEY|TOKEN|BASE_URL|CODEX_HOME/.test(n)).sort();\nrequire('fs').writeFileSync('seen-env.json', JSON.stringify(names) + '\\n');\n",
    'slow.js': "setTimeout(() => require('fs').writeFileSync('slow-done.txt', 'done\\n'), 4000);\n",
    '.maestrorc.json': JSON.stringify({
      worktreeDir: worktrees,
      validate: ['npm test'],
      allowCommands: ['npm run probe', 'npm run slow'],
      agentLimits: { taskTimeoutSeconds: 240 },
      ...config,
    }),
  });
  const home = await tempDir('maestro-home-');
  return { repo, home };
}

export const twoTasks = {
  objective: 'greet',
  tasks: [
    { id: 't1', title: 'Write hello', instructions: 'Create hello.txt.', files: ['hello.txt'] },
    {
      id: 't2',
      title: 'Write second',
      instructions: 'Create second.txt.',
      files: ['second.txt'],
      dependsOn: ['t1'],
    },
  ],
};

export interface MaestroResult {
  exitCode: number;
  events: RunEvent[];
  stderr: string;
  resultBranch: string;
}

/** `maestro run --plan <plan> --json` in `repo` with exactly `env` (plus PATH to the CLIs). */
export async function runMaestro(
  repo: string,
  plan: unknown,
  env: Record<string, string>,
): Promise<MaestroResult> {
  const planFile = join(await tempDir('maestro-plan-'), 'plan.json');
  await writeFile(planFile, JSON.stringify(plan));
  const result = await execa(
    process.execPath,
    [launcher, '--trust-config', 'run', '--plan', planFile, '--json'],
    {
      cwd: repo,
      env: {
        PATH: `${cliBinDir}${delimiter}${process.env.PATH ?? ''}`,
        NO_COLOR: '1',
        ...env,
      },
      extendEnv: false,
      reject: false,
      timeout: 300_000,
    },
  );
  if (process.env.MAESTRO_TEST_DUMP)
    await writeFile(process.env.MAESTRO_TEST_DUMP, `${String(result.stdout)}\n---\n${String(result.stderr)}`);
  const events = String(result.stdout)
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as RunEvent);
  const started = events.find((e) => e.type === 'run.started');
  const resultBranch = started && 'resultBranch' in started ? String(started.resultBranch) : '';
  return { exitCode: result.exitCode ?? -1, events, stderr: String(result.stderr), resultBranch };
}

export function fileAt(repo: string, ref: string, path: string): string | null {
  try {
    return runGit(repo, ['show', `${ref}:${path}`]);
  } catch {
    return null;
  }
}

export type { RunEvent };

/** Every file below `home` with its contents, but maestro's own (its record of trusted configs). */
export async function homeSnapshot(home: string): Promise<Record<string, string>> {
  const entries = await readdir(home, { recursive: true, withFileTypes: true });
  const out: Record<string, string> = {};
  for (const e of entries.filter((e) => e.isFile())) {
    const path = join(e.parentPath, e.name);
    const name = path.slice(home.length + 1);
    if (!name.startsWith(join('.config', 'maestro'))) out[name] = await readFile(path, 'utf8');
  }
  return out;
}
