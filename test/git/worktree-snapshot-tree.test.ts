import { describe, expect, it } from 'vitest';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { captureWorktreeState } from '../../src/git/worktree-snapshot-tree.js';
import { commitAll, runGit, tempDir, tempRepo, writeFiles } from '../helpers/repo.js';

async function worktree(files: Record<string, string>): Promise<{ repo: string; wt: string }> {
  const repo = await tempRepo(files);
  const wt = join(await tempDir('maestro-wt-'), 'task');
  runGit(repo, ['worktree', 'add', '-q', '-b', 'maestro/r/tasks/t', wt, 'main']);
  return { repo, wt };
}

describe('captureWorktreeState', () => {
  it('commits edits, deletions and untracked files, not ignored ones, and leaves index, HEAD and branch alone', async () => {
    const { wt } = await worktree({ 'a.txt': 'alpha\n', 'b.txt': 'beta\n', '.gitignore': 'build/\n*.log\n' });
    const head = runGit(wt, ['rev-parse', 'HEAD']);
    // Same size as before, written right after checkout: the racy-entry case must still be seen.
    await writeFile(join(wt, 'a.txt'), 'ALPHA\n');
    await writeFiles(wt, { 'new/c.txt': 'gamma\n', 'build/out.js': 'x\n', 'debug.log': 'log\n' });
    runGit(wt, ['rm', '-q', 'b.txt']);
    await writeFile(join(wt, 'staged.txt'), 'staged\n');
    runGit(wt, ['add', 'staged.txt']);
    const indexPath = runGit(wt, ['rev-parse', '--path-format=absolute', '--git-path', 'index']);
    const indexBefore = await readFile(indexPath);
    const mtimeBefore = (await stat(indexPath)).mtimeMs;

    const state = await captureWorktreeState(wt);
    expect(await readFile(indexPath)).toEqual(indexBefore);
    expect((await stat(indexPath)).mtimeMs).toBe(mtimeBefore);

    expect(state.head).toBe(head);
    expect(state.commit).not.toBe(head);
    expect(runGit(wt, ['rev-parse', `${state.commit}^`])).toBe(head);
    expect(runGit(wt, ['ls-tree', '-r', '--name-only', state.commit]).split('\n')).toEqual([
      '.gitignore',
      'a.txt',
      'new/c.txt',
      'staged.txt',
    ]);
    expect(runGit(wt, ['show', `${state.commit}:a.txt`])).toBe('ALPHA');
    // The worktree's own git state is exactly as it was.
    expect(runGit(wt, ['rev-parse', 'HEAD'])).toBe(head);
    expect(runGit(wt, ['rev-parse', 'maestro/r/tasks/t'])).toBe(head);
    expect(runGit(wt, ['symbolic-ref', 'HEAD'])).toBe('refs/heads/maestro/r/tasks/t');
    expect(runGit(wt, ['status', '--porcelain']).split('\n')).toEqual([
      ' M a.txt',
      'D  b.txt',
      'A  staged.txt',
      '?? new/',
    ]);
    expect(runGit(wt, ['for-each-ref', '--format=%(refname)'])).not.toContain('radar');
  });

  it('keeps a private index between captures and still sees every later edit, deletion and commit', async () => {
    const { wt } = await worktree({ 'a.txt': 'alpha\n', 'b.txt': 'beta\n' });
    const indexFile = join(await tempDir('maestro-idx-'), 'task.index');
    await writeFile(join(wt, 'a.txt'), 'ALPHA\n');
    const first = await captureWorktreeState(wt, { indexFile });
    expect(runGit(wt, ['show', `${first.commit}:a.txt`])).toBe('ALPHA');
    // Same size, same second as the private index was written: git's racy-entry check must catch it.
    await writeFile(join(wt, 'a.txt'), 'alpHA\n');
    await writeFiles(wt, { 'c.txt': 'gamma\n' });
    runGit(wt, ['rm', '-q', 'b.txt']);
    const second = await captureWorktreeState(wt, { indexFile });
    expect(runGit(wt, ['show', `${second.commit}:a.txt`])).toBe('alpHA');
    expect(runGit(wt, ['ls-tree', '--name-only', second.commit]).split('\n')).toEqual(['a.txt', 'c.txt']);
    // The agent commits (a fix round): the state is the same tree on top of the new HEAD.
    const head = commitAll(wt, 'work');
    const third = await captureWorktreeState(wt, { indexFile });
    expect(third).toEqual({ commit: head, head, tree: second.tree });
  });

  it('answers HEAD itself when the worktree is clean, and honours excluded paths', async () => {
    const { wt } = await worktree({ 'a.txt': 'alpha\n' });
    const head = runGit(wt, ['rev-parse', 'HEAD']);
    expect(await captureWorktreeState(wt)).toEqual({
      commit: head,
      head,
      tree: runGit(wt, ['rev-parse', 'HEAD^{tree}']),
    });
    await writeFiles(wt, { 'linked/x.js': 'x\n' });
    expect((await captureWorktreeState(wt, { exclude: ['linked'] })).commit).toBe(head);
  });
});
