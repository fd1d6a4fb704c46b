import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';
import { checkTaskHead, detachHead } from '../../src/git/task-head.js';

const branch = 'maestro/r1/tasks/t1';

async function taskWorktree() {
  const repo = await tempRepo({ 'a.txt': 'a\n' });
  const path = join(await tempDir('maestro-head-'), 'task');
  runGit(repo, ['worktree', 'add', '-q', '-b', branch, path, 'HEAD']);
  const start = runGit(repo, ['rev-parse', 'HEAD']);
  return { repo, path, start };
}

async function commit(path: string, name: string): Promise<string> {
  await writeFile(join(path, name), `${name}\n`);
  runGit(path, ['add', name]);
  runGit(path, ['-c', 'user.name=a', '-c', 'user.email=a@b', 'commit', '-qm', name]);
  return runGit(path, ['rev-parse', 'HEAD']);
}

describe('checkTaskHead', () => {
  it('brings commits made on the detached HEAD onto the task branch and HEAD back onto it', async () => {
    const { repo, path, start } = await taskWorktree();
    await detachHead(path, start);
    expect(runGit(path, ['rev-parse', '--symbolic-full-name', 'HEAD'])).toBe('HEAD');
    await commit(path, 'one.txt');
    const head = await commit(path, 'two.txt');
    expect(await checkTaskHead(repo, path, branch, start)).toEqual({ ok: true, head });
    expect(runGit(repo, ['rev-parse', branch])).toBe(head);
    expect(runGit(path, ['symbolic-ref', 'HEAD'])).toBe(`refs/heads/${branch}`);
    expect(runGit(path, ['status', '--porcelain'])).toBe('');
  });

  it('refuses to detach at a commit HEAD is not at', async () => {
    const { path, start } = await taskWorktree();
    await commit(path, 'one.txt');
    await expect(detachHead(path, start)).rejects.toThrow(/expected/);
    expect(runGit(path, ['symbolic-ref', 'HEAD'])).toBe(`refs/heads/${branch}`);
  });

  it('fails a HEAD behind its start and work left on a diverging branch, and leaves the task branch alone', async () => {
    const { repo, path, start } = await taskWorktree();
    const later = await commit(path, 'one.txt');
    runGit(path, ['checkout', '-q', '--detach', start]);
    const behind = await checkTaskHead(repo, path, branch, later);
    expect(behind).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/behind the commit it started from/),
    });
    runGit(path, ['checkout', '-q', '-b', 'elsewhere', start]);
    await commit(path, 'two.txt');
    const diverged = await checkTaskHead(repo, path, branch, start);
    expect(diverged).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/branch elsewhere with diverging/),
    });
    expect(runGit(repo, ['rev-parse', branch])).toBe(later);
  });

  it('trusts a known descendant only while HEAD is on it', async () => {
    const { repo, path, start } = await taskWorktree();
    await detachHead(path, start);
    const snapshot = await commit(path, 'one.txt');
    expect(await checkTaskHead(repo, path, branch, start, snapshot)).toEqual({ ok: true, head: snapshot });
    // HEAD moved off the snapshot to a commit behind the start: the check asks git again and refuses.
    const later = await commit(path, 'two.txt');
    runGit(path, ['checkout', '-q', '--detach', start]);
    expect(await checkTaskHead(repo, path, branch, later, snapshot)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/behind the commit it started from/),
    });
  });

  it('says what happened when the task branch is gone', async () => {
    const { repo, path, start } = await taskWorktree();
    await detachHead(path);
    await commit(path, 'one.txt');
    runGit(repo, ['branch', '-D', branch]);
    const checked = await checkTaskHead(repo, path, branch, start);
    expect(checked).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/a detached HEAD with diverging work/),
    });
  });
});
