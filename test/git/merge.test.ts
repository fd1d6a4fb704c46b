import { describe, expect, it } from 'vitest';
import { runGit, tempRepo } from '../helpers/repo.js';
import { ensureResultBranch, mergeAllIntoResult, mergeIntoResult } from '../../src/git/merge.js';
import { readBranch } from '../../src/git/plumbing.js';
import { commitOnBranch } from './commits.js';
import { captureUserTree, expectUserTreeUntouched } from './user-tree.js';

const runId = 'r1';

async function setup(files: Record<string, string>) {
  const repo = await tempRepo(files);
  const base = runGit(repo, ['rev-parse', 'HEAD']);
  await ensureResultBranch(repo, runId, base);
  return { repo, base };
}

function message(taskId: string): string {
  return `maestro: merge task ${taskId}\n`;
}

describe('mergeIntoResult', () => {
  it('merges task branches in memory with both parents and never touches the user tree', async () => {
    const { repo, base } = await setup({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const before = await captureUserTree(repo);
    const t1 = await commitOnBranch(repo, 'maestro/r1/tasks/t1', base, { 'a.txt': 'a1\n' });
    const t2 = await commitOnBranch(repo, 'maestro/r1/tasks/t2', base, { 'b.txt': 'b2\n', 'new.txt': 'n\n' });
    const first = await mergeIntoResult(repo, { runId, taskId: 't1', theirs: t1, message: message('t1') });
    expect(first.status).toBe('merged');
    const second = await mergeIntoResult(repo, {
      runId,
      taskId: 't2',
      theirs: 'maestro/r1/tasks/t2',
      message: message('t2'),
    });
    if (second.status !== 'merged') throw new Error(`expected merged, got ${second.status}`);
    expect(runGit(repo, ['rev-parse', 'maestro/r1/result'])).toBe(second.commit);
    expect(runGit(repo, ['log', '-1', '--format=%P', second.commit])).toBe(
      `${first.status === 'merged' ? first.commit : ''} ${t2}`,
    );
    expect(runGit(repo, ['log', '-1', '--format=%s', second.commit])).toBe('maestro: merge task t2');
    expect(runGit(repo, ['show', `${second.commit}:a.txt`])).toBe('a1');
    expect(runGit(repo, ['show', `${second.commit}:new.txt`])).toBe('n');
    const again = await mergeIntoResult(repo, { runId, taskId: 't2', theirs: t2, message: message('t2') });
    expect(again.status).toBe('up-to-date');
    await expectUserTreeUntouched(repo, before);
  });

  it('returns every conflict kind with stages, modes and parsed hunks, and commits nothing', async () => {
    const { repo, base } = await setup({
      'content.txt': 'a\nb\nc\n',
      'md.txt': 'x\n',
      'ren.txt': 'r\n1\n2\n3\n4\n',
      'bin.dat': '\0\x01bin',
      'mode.sh': 'm\n',
      'rd.txt': 'd\n',
    });
    const ours = await commitOnBranch(repo, 'prep', base, {
      'content.txt': 'a\nOURS\nc\n',
      'aa.txt': 'add ours\n',
      'md.txt': 'x2\n',
      'ren.txt': null,
      'ren-ours.txt': 'r\n1\n2\n3\n4\n',
      'bin.dat': Buffer.from([0, 2, 111]),
      'mode.sh': { content: 'target', mode: '120000' },
      'rd.txt': null,
      'rd2.txt': 'd\n',
    });
    runGit(repo, ['update-ref', 'refs/heads/maestro/r1/result', ours]);
    const before = await captureUserTree(repo);
    const theirs = await commitOnBranch(repo, 'maestro/r1/tasks/t1', base, {
      'content.txt': 'a\nTHEIRS\nc\n',
      'aa.txt': 'add theirs\n',
      'md.txt': null,
      'ren.txt': null,
      'ren-theirs.txt': 'r\n1\n2\n3\n4\n',
      'bin.dat': Buffer.from([0, 3, 116]),
      'mode.sh': { content: 'm2\n', mode: '100755' },
      'rd.txt': null,
    });
    const result = await mergeIntoResult(repo, { runId, taskId: 't1', theirs, message: message('t1') });
    if (result.status !== 'conflicted') throw new Error(`expected conflicted, got ${result.status}`);
    const byPath = new Map(result.conflicts.map((file) => [file.path, file]));
    expect(byPath.get('content.txt')?.kind).toBe('content');
    expect(byPath.get('aa.txt')?.kind).toBe('add/add');
    expect(byPath.get('md.txt')?.kind).toBe('modify/delete');
    expect(byPath.get('bin.dat')?.kind).toBe('binary');
    expect(byPath.get('mode.sh')?.kind).toBe('mode');
    expect(byPath.get(`mode.sh~${theirs}`)?.kind).toBe('mode');
    expect(byPath.get('rd2.txt')).toMatchObject({ kind: 'rename', renamedFrom: 'rd.txt' });
    expect(byPath.get('ren-ours.txt')).toMatchObject({ kind: 'rename', renamedFrom: 'ren.txt' });
    expect(byPath.get('ren-theirs.txt')).toMatchObject({ kind: 'rename', renamedFrom: 'ren.txt' });

    const content = byPath.get('content.txt')!;
    expect(Object.keys(content.stages).sort()).toEqual(['base', 'ours', 'theirs']);
    expect(content.modes).toEqual({ base: '100644', ours: '100644', theirs: '100644' });
    expect(runGit(repo, ['cat-file', 'blob', content.stages.theirs!])).toBe('a\nTHEIRS\nc');
    expect(content.markedText).toContain('||||||| ');
    expect(content.hunks).toHaveLength(1);
    expect(content.hunks[0]).toMatchObject({ ours: ['OURS'], base: ['b'], theirs: ['THEIRS'] });
    expect(content.hunks[0]?.labels.ours).toBe(ours);
    expect(byPath.get('aa.txt')?.hunks[0]).toMatchObject({ ours: ['add ours'], theirs: ['add theirs'] });
    expect(byPath.get('aa.txt')?.stages.base).toBeUndefined();
    expect(byPath.get('bin.dat')?.markedText).toBeUndefined();
    expect(byPath.get('md.txt')?.stages).toEqual({ base: expect.any(String), ours: expect.any(String) });
    expect(byPath.get(`mode.sh~${theirs}`)?.modes).toEqual({ base: '100644', theirs: '100755' });
    expect(byPath.get('mode.sh')?.modes).toEqual({ ours: '120000' });

    expect(await readBranch(repo, 'maestro/r1/result')).toBe(ours);
    expect(runGit(repo, ['rev-list', '--all', '--count'])).toBe('3');
    await expectUserTreeUntouched(repo, before);
  });

  it('reports a lost compare-and-swap race without writing, and succeeds when retried', async () => {
    const { repo, base } = await setup({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const t1 = await commitOnBranch(repo, 'maestro/r1/tasks/t1', base, { 'a.txt': 'a1\n' });
    const t2 = await commitOnBranch(repo, 'maestro/r1/tasks/t2', base, { 'b.txt': 'b2\n' });
    const first = await mergeIntoResult(repo, { runId, taskId: 't1', theirs: t1, message: message('t1') });
    if (first.status !== 'merged') throw new Error('expected merged');
    // t2 was computed against the base, but the result branch has moved on to t1's merge meanwhile.
    const lost = await mergeIntoResult(repo, {
      runId,
      taskId: 't2',
      theirs: t2,
      message: message('t2'),
      expected: base,
    });
    expect(lost).toEqual({ status: 'race-lost', expected: base, actual: first.commit, theirs: t2 });
    expect(await readBranch(repo, 'maestro/r1/result')).toBe(first.commit);
    const retry = await mergeIntoResult(repo, { runId, taskId: 't2', theirs: t2, message: message('t2') });
    expect(retry.status).toBe('merged');
  });

  it('creates the result branch once and keeps it on a second call', async () => {
    const { repo, base } = await setup({ 'a.txt': 'a\n' });
    const again = await ensureResultBranch(repo, runId, 'HEAD');
    expect(again).toEqual({ branch: 'maestro/r1/result', commit: base, created: false });
    const fresh = await ensureResultBranch(repo, 'r2', base);
    expect(fresh.created).toBe(true);
  });

  it('merges a batch in order, skips conflicted tasks, and moves the branch once', async () => {
    const { repo, base } = await setup({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const before = await captureUserTree(repo);
    const t1 = await commitOnBranch(repo, 'maestro/r1/tasks/t1', base, { 'a.txt': 'one\n' });
    const t2 = await commitOnBranch(repo, 'maestro/r1/tasks/t2', base, { 'a.txt': 'two\n' });
    const t3 = await commitOnBranch(repo, 'maestro/r1/tasks/t3', base, { 'b.txt': 'three\n' });
    const tasks = [t1, t2, t3].map((theirs, index) => ({
      taskId: `t${index + 1}`,
      theirs,
      message: `merge t${index + 1}\n`,
    }));
    const stale = await commitOnBranch(repo, 'maestro/r1/tasks/t0', base, { 'c.txt': 'c\n' });
    expect(await mergeAllIntoResult(repo, { runId, tasks, expected: stale })).toMatchObject({
      status: 'race-lost',
    });
    const result = await mergeAllIntoResult(repo, { runId, tasks });
    if (result.status !== 'done') throw new Error('expected done');
    expect(result.tasks.map((task) => `${task.taskId}:${task.status}`)).toEqual([
      't1:merged',
      't2:conflicted',
      't3:merged',
    ]);
    expect(result.previous).toBe(base);
    expect(await readBranch(repo, 'maestro/r1/result')).toBe(result.commit);
    expect(runGit(repo, ['rev-list', '--count', `${base}..${result.commit}`])).toBe('4');
    expect(runGit(repo, ['show', `${result.commit}:a.txt`])).toBe('one');
    expect(runGit(repo, ['show', `${result.commit}:b.txt`])).toBe('three');
    await expectUserTreeUntouched(repo, before);
  });
});
