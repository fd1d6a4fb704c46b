import { describe, expect, it, vi } from 'vitest';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { runConfigHook, requireConfigHook, LifecycleHookError } from '../../src/orchestrator/config-hooks.js';
import {
  checkoutResult,
  pushResult,
  openPullRequest,
  type DeliverOptions,
} from '../../src/orchestrator/deliver.js';
import type { MaestroError } from '../../src/errors.js';
import { unconfinedSandbox } from '../../src/sandbox/run.js';
import { runGit, tempDir, tempRepo, writeFiles } from '../helpers/repo.js';

const vars = { MAESTRO_RUN_ID: 'r1', MAESTRO_TASK_ID: 't1', MAESTRO_WORKTREE: '/wt' };
// These check the hook runner itself (shell, variables, timeouts); test/security covers hooks in the sandbox.
const sandbox = unconfinedSandbox();
const config = (hooks: ConfigInput['hooks']) => configSchema.parse({ hooks });

describe('config lifecycle hooks', () => {
  it('is a no-op when the hook is not configured', async () => {
    expect(await runConfigHook(config({}), 'postRun', { cwd: await tempDir(), vars, sandbox })).toBeNull();
  });

  it('runs through sh in cwd with the MAESTRO_* variables', async () => {
    const dir = await tempDir();
    const outcome = await runConfigHook(
      config({ postCreate: 'echo "$MAESTRO_RUN_ID/$MAESTRO_TASK_ID" > hook.txt && pwd' }),
      'postCreate',
      {
        cwd: dir,
        vars,
        sandbox,
      },
    );
    expect(outcome).toMatchObject({ ok: true, exitCode: 0, output: `${dir}\n` });
    expect(await readFile(join(dir, 'hook.txt'), 'utf8')).toBe('r1/t1\n');
  });

  it('a failing preMerge throws with the command, exit code and last output line', async () => {
    const error = await requireConfigHook(
      config({ preMerge: 'echo checking; echo "lint: 3 errors" >&2; exit 4' }),
      'preMerge',
      {
        cwd: await tempDir(),
        vars,
        sandbox,
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LifecycleHookError);
    expect((error as Error).message).toBe(
      'preMerge hook `echo checking; echo "lint: 3 errors" >&2; exit 4` failed (exit 4): lint: 3 errors',
    );
  });

  it('a hook past its timeout is killed with its children and reported', async () => {
    const dir = await tempDir();
    const outcome = await runConfigHook(
      config({ postRun: { command: 'sleep 30 & echo $! > bg.pid; wait', timeoutSeconds: 0.5 } }),
      'postRun',
      { cwd: dir, vars, sandbox },
    );
    expect(outcome).toMatchObject({ ok: false, timedOut: true });
    const pid = Number(await readFile(join(dir, 'bg.pid'), 'utf8'));
    expect(pid).toBeGreaterThan(0);
    await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(/ESRCH/), { timeout: 5_000 });
  });
});

async function resultRepo(): Promise<{ repo: string; options: DeliverOptions }> {
  const repo = await tempRepo({ 'a.txt': 'one\n' });
  runGit(repo, ['branch', 'maestro/r1/result']);
  return {
    repo,
    options: { root: repo, branch: 'maestro/r1/result', baseRef: 'main', title: 'T', body: 'B' },
  };
}

describe('delivering the result branch', () => {
  it('--checkout refuses when tracked files changed, and touches nothing', async () => {
    const { repo, options } = await resultRepo();
    await writeFiles(repo, { 'a.txt': 'my edit\n' });
    await expect(checkoutResult(options)).rejects.toThrow(
      'not switching to maestro/r1/result: your working tree has uncommitted changes; commit or stash them, then run git switch maestro/r1/result',
    );
    expect(await readFile(join(repo, 'a.txt'), 'utf8')).toBe('my edit\n');
    expect(runGit(repo, ['branch', '--show-current'])).toBe('main');
  });

  it('--checkout switches a clean checkout to the result branch', async () => {
    const { repo, options } = await resultRepo();
    expect(await checkoutResult(options)).toBe('switched to maestro/r1/result');
    expect(runGit(repo, ['branch', '--show-current'])).toBe('maestro/r1/result');
  });

  it('--push says there is no remote, or pushes to origin', async () => {
    const { repo, options } = await resultRepo();
    await expect(pushResult(options)).rejects.toThrow(
      'this repository has no remote; add one with git remote add origin <url>',
    );
    const bare = await tempDir();
    runGit(bare, ['init', '-q', '--bare']);
    runGit(repo, ['remote', 'add', 'origin', bare]);
    expect((await pushResult(options)).message).toBe('pushed maestro/r1/result to origin');
    expect(runGit(bare, ['rev-parse', 'maestro/r1/result'])).toBe(
      runGit(repo, ['rev-parse', 'maestro/r1/result']),
    );
  });

  it('--pr explains a missing gh, an unauthenticated gh, and opens one with a working gh', async () => {
    const { repo, options } = await resultRepo();
    const emptyBin = await tempDir();
    const noGh = await openPullRequest({ ...options, env: { PATH: emptyBin } }).catch((e: unknown) => e);
    expect((noGh as MaestroError).message).toMatch(
      /^cannot open a pull request: the GitHub CLI \(gh\) is not installed;/,
    );

    const bin = await tempDir();
    const log = join(bin, 'calls.txt');
    const gh = join(bin, 'gh');
    await writeFile(
      gh,
      `#!/bin/sh\necho "$*" >> ${log}\n[ "$1 $2" = "auth status" ] && exit "\${GH_AUTH_EXIT:-0}"\n[ "$1 $2" = "pr create" ] && echo https://example.invalid/pr/1\nexit 0\n`,
    );
    await chmod(gh, 0o755);
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, GH_AUTH_EXIT: '1' };
    const unauth = await openPullRequest({ ...options, env }).catch((e: unknown) => e);
    expect((unauth as MaestroError).message).toBe(
      'cannot open a pull request: gh is not logged in; run gh auth login and try maestro run again with --pr',
    );

    const bare = await tempDir();
    runGit(bare, ['init', '-q', '--bare']);
    runGit(repo, ['remote', 'add', 'origin', bare]);
    expect(await openPullRequest({ ...options, env: { ...env, GH_AUTH_EXIT: '0' } })).toBe(
      'opened https://example.invalid/pr/1',
    );
    expect(await readFile(log, 'utf8')).toContain(
      'pr create --head maestro/r1/result --base main --title T --body B',
    );
  });
});
