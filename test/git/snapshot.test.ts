import { chmod, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGit, tempDir, tempRepo, writeFiles } from '../helpers/repo.js';
import { CommitHookError, snapshotWorktree, withTrailers } from '../../src/git/snapshot.js';
import { runForAgent } from '../../src/sandbox/run.js';
import { realSandbox } from '../helpers/sandbox.js';

async function agentWorktree(files: Record<string, string>) {
  const repo = await tempRepo(files);
  const path = join(await tempDir('maestro-wt-'), 'task');
  runGit(repo, ['worktree', 'add', '-q', '-b', 'maestro/r1/tasks/t1', path, 'HEAD']);
  return { repo, path };
}

const ids = { runId: 'r1', taskId: 't1', agentId: 'agent-1' };

describe('snapshotWorktree', () => {
  it('commits every kind of change with the Maestro trailers and reports numstat', async () => {
    const { path } = await agentWorktree({
      'mod.txt': 'one\n',
      'del.txt': 'gone\n',
      'old name.txt': 'same\n'.repeat(20),
      'run.sh': 'echo\n',
    });
    await writeFiles(path, { 'mod.txt': 'one\ntwo\n', 'dir/ünïcødé.txt': 'new\n' });
    await writeFile(join(path, 'blob.bin'), Buffer.from([0, 1, 2, 255, 0]));
    await rm(join(path, 'del.txt'));
    await rename(join(path, 'old name.txt'), join(path, 'new name.txt'));
    await chmod(join(path, 'run.sh'), 0o755);
    const before = runGit(path, ['rev-parse', 'HEAD']);
    const result = await snapshotWorktree({
      ...ids,
      worktree: path,
      message: 'Task t1: add things\n\nDetails.',
      trailers: [
        ['Maestro-Model', 'gpt-4o'],
        ['Maestro-Cost-Usd', '0.12'],
      ],
    });
    if (!result.committed) throw new Error('expected a commit');
    expect(result).toMatchObject({ files: 6, insertions: 2, deletions: 1, parent: before });
    expect(result.commit).toBe(runGit(path, ['rev-parse', 'HEAD']));
    const status = runGit(path, [
      '-c',
      'core.quotePath=false',
      'show',
      '--format=',
      '--name-status',
      '-M',
      result.commit,
    ])
      .split('\n')
      .sort();
    expect(status).toEqual([
      'A\tblob.bin',
      'A\tdir/ünïcødé.txt',
      'D\tdel.txt',
      'M\tmod.txt',
      'M\trun.sh',
      'R100\told name.txt\tnew name.txt',
    ]);
    expect(runGit(path, ['ls-tree', result.commit, 'run.sh']).split(' ')[0]).toBe('100755');
    const trailers = runGit(path, ['log', '-1', '--format=%(trailers:only,unfold)', result.commit]);
    expect(trailers).toBe(
      'Maestro-Run: r1\nMaestro-Task: t1\nMaestro-Agent: agent-1\nMaestro-Model: gpt-4o\nMaestro-Cost-Usd: 0.12\n',
    );
    expect(runGit(path, ['log', '-1', '--format=%s', result.commit])).toBe('Task t1: add things');
    expect(runGit(path, ['status', '--porcelain'])).toBe('');
  });

  it('makes no commit when nothing changed, and leaves excluded paths out', async () => {
    const { path } = await agentWorktree({ 'a.txt': 'a\n' });
    const head = runGit(path, ['rev-parse', 'HEAD']);
    expect(await snapshotWorktree({ ...ids, worktree: path, message: 'm' })).toEqual({
      leftOut: [],
      committed: false,
      reason: 'no changes',
      commit: head,
    });
    await writeFiles(path, { 'node_modules/x.js': 'x\n' });
    expect(
      (await snapshotWorktree({ ...ids, worktree: path, message: 'm', exclude: ['node_modules'] })).committed,
    ).toBe(false);
  });

  it('runs no hook unless asked; asked, runs them in the sandbox with the scrubbed environment', async () => {
    const { repo, path } = await agentWorktree({ 'a.txt': 'a\n' });
    const hook = join(repo, '.git', 'hooks', 'pre-commit');
    await writeFile(hook, '#!/bin/sh\necho "lint failed: a.txt" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    await writeFiles(path, { 'a.txt': 'b\n' });
    // Not asked (the default): git itself never runs it.
    expect((await snapshotWorktree({ ...ids, worktree: path, message: 'm' })).committed).toBe(true);
    const sandbox = await realSandbox(path);
    const hooks = {
      env: { PATH: process.env.PATH ?? '' },
      runner: {
        run: async (file: string, args: string[], env: Record<string, string>) => {
          const result = await runForAgent(sandbox, path, file, args, { env, timeoutMs: 30_000 });
          return { ok: result.exitCode === 0, output: result.output };
        },
      },
    };
    await writeFiles(path, { 'a.txt': 'c\n' });
    const error = await snapshotWorktree({ ...ids, worktree: path, message: 'm', hooks }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommitHookError);
    expect((error as CommitHookError).message).toContain('lint failed: a.txt');
    expect((error as CommitHookError).message).toContain('commitHooks: false');
    // Inside, the main repository is read-only; the worktree's admin folder (its index) is not.
    await writeFile(
      hook,
      '#!/bin/sh\necho x > "$(git rev-parse --git-common-dir)/planted" 2>/dev/null || echo ro\nenv > "$(dirname "$GIT_INDEX_FILE")/hook-env"\n',
    );
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-hook-must-not-see-1234567890');
    const done = await snapshotWorktree({ ...ids, worktree: path, message: 'm', hooks });
    vi.unstubAllEnvs();
    expect(done.committed).toBe(true);
    const admin = runGit(path, ['rev-parse', '--path-format=absolute', '--git-dir']);
    const env = await readFile(join(admin, 'hook-env'), 'utf8');
    expect(env).toContain('GIT_INDEX_FILE=');
    expect(env).not.toContain('sk-ant-hook-must-not-see');
    await expect(stat(join(repo, '.git', 'planted'))).rejects.toThrow();
  });
});

describe('snapshotWorktree without a git identity', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('commits as maestro when neither the user nor the repository names anyone', async () => {
    const { repo, path } = await agentWorktree({ 'a.txt': 'a\n' });
    const empty = join(await tempDir('maestro-home-'), 'gitconfig');
    await writeFile(empty, '');
    vi.stubEnv('GIT_CONFIG_GLOBAL', empty);
    for (const name of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL'])
      vi.stubEnv(name, undefined);
    runGit(repo, ['config', '--unset', 'user.name']);
    runGit(repo, ['config', '--unset', 'user.email']);
    runGit(repo, ['config', 'user.useConfigOnly', 'true']);
    await writeFiles(path, { 'a.txt': 'b\n' });
    const result = await snapshotWorktree({ ...ids, worktree: path, message: 'm' });
    expect(result.committed).toBe(true);
    expect(runGit(path, ['log', '-1', '--format=%an <%ae>'])).toBe('maestro <maestro@localhost>');
  });
});

describe('withTrailers', () => {
  it('keeps trailer values on one line in their own paragraph', () => {
    expect(withTrailers('subject\n\n', [['Maestro-Task', 'a\nb']])).toBe('subject\n\nMaestro-Task: a b\n');
  });
});
