import { describe, expect, it } from 'vitest';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';
import { inspectRepo, resolveCommit } from '../../src/git/repo.js';
import { RepoError } from '../../src/errors.js';
import { changedFiles, diffNumstat } from '../../src/git/diff-stats.js';
import { findOverlaps } from '../../src/git/overlap.js';
import { commitOnBranch } from './commits.js';

describe('inspectRepo', () => {
  it('answers toplevel, common dir, version and HEAD, also from a subfolder and detached', async () => {
    const repo = await tempRepo({ 'src/a.txt': 'a\n' });
    const head = runGit(repo, ['rev-parse', 'HEAD']);
    const info = await inspectRepo(`${repo}/src`);
    expect(info).toMatchObject({
      toplevel: repo,
      commonDir: `${repo}/.git`,
      head: { commit: head, branch: 'main' },
    });
    expect(info.key).toMatch(/^maestro-repo-\w+-[0-9a-f]{8}$/);
    expect(info.gitVersion.major).toBeGreaterThanOrEqual(2);
    runGit(repo, ['checkout', '-q', '--detach']);
    expect((await inspectRepo(repo)).head).toEqual({ commit: head, branch: null });
  });

  it('refuses a folder outside git and an empty repository with a clear sentence', async () => {
    const plain = await tempDir();
    await expect(inspectRepo(plain)).rejects.toThrow(/is not inside a git repository/);
    runGit(plain, ['init', '-q']);
    const error = await inspectRepo(plain).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepoError);
    expect((error as RepoError).message).toMatch(/has no commits yet: make a first commit/);
  });

  it('resolves refs to commits and names what it cannot resolve', async () => {
    const repo = await tempRepo();
    runGit(repo, ['tag', 'v1']);
    expect(await resolveCommit(repo, 'v1')).toBe(runGit(repo, ['rev-parse', 'HEAD']));
    await expect(resolveCommit(repo, 'nope')).rejects.toThrow(/"nope" does not name one commit/);
  });
});

describe('diff stats and overlaps', () => {
  it('counts lines per file between commits and lists a branch’s own changes', async () => {
    const repo = await tempRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const base = runGit(repo, ['rev-parse', 'HEAD']);
    const task = await commitOnBranch(repo, 'maestro/r1/tasks/t', base, {
      'a.txt': 'a\nmore\n',
      'b.txt': null,
      bin: Buffer.from([0, 1]),
    });
    await commitOnBranch(repo, 'main', base, { 'later.txt': 'x\n' });
    const stats = await diffNumstat(repo, base, task);
    expect(stats.insertions).toBe(1);
    expect(stats.deletions).toBe(1);
    expect(stats.files).toContainEqual({ path: 'bin', insertions: null, deletions: null });
    expect((await changedFiles(repo, 'main', task)).sort()).toEqual(['a.txt', 'b.txt', 'bin']);
  });

  it('finds which task pairs would conflict and on which files, batched and per pair', async () => {
    const repo = await tempRepo({ 'shared.txt': 'a\nb\nc\n', 'x.txt': 'x\n', 'y.txt': 'y\n' });
    const base = runGit(repo, ['rev-parse', 'HEAD']);
    await commitOnBranch(repo, 'maestro/r1/tasks/t1', base, { 'shared.txt': 'a\nONE\nc\n' });
    await commitOnBranch(repo, 'maestro/r1/tasks/t2', base, { 'shared.txt': 'a\nTWO\nc\n', 'x.txt': 'x2\n' });
    await commitOnBranch(repo, 'maestro/r1/tasks/t3', base, { 'y.txt': 'y3\n' });
    const branches = ['t1', 't2', 't3'].map((id) => ({ id, ref: `maestro/r1/tasks/${id}` }));
    const expected = [{ a: 't1', b: 't2', files: ['shared.txt'] }];
    expect(await findOverlaps(repo, branches, { major: 2, minor: 39 })).toEqual(expected);
    expect(await findOverlaps(repo, branches, { major: 2, minor: 38 })).toEqual(expected);
    expect(await findOverlaps(repo, branches.slice(0, 1), { major: 2, minor: 39 })).toEqual([]);
  });
});
