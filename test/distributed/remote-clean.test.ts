import { describe, expect, it } from 'vitest';
import { deleteRunRefs } from '../../src/executor/queue/remote-git.js';
import { runGit, tempRepo } from '../helpers/repo.js';
import { bareRemote } from './cluster.js';

/** A remote holding two runs' refs (bases, task and done refs) beside its main branch. */
async function remoteWithRuns(): Promise<{ repo: string; remote: string; refs: () => string[] }> {
  const repo = await tempRepo();
  const remote = await bareRemote(repo);
  const head = runGit(repo, ['rev-parse', 'HEAD']).trim();
  const names = [
    `refs/maestro/r1/bases/${head}`,
    'refs/maestro/r1/tasks/t1',
    'refs/maestro/r1/done/1/t1',
    'refs/maestro/r1/done/2/t1',
    'refs/maestro/r1/tasks/t2',
    'refs/maestro/r1/done/1/t2',
    'refs/maestro/r2/tasks/t1',
  ];
  runGit(repo, ['push', '-q', remote, ...names.map((ref) => `${head}:${ref}`)]);
  const refs = () =>
    runGit(repo, ['ls-remote', remote])
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t')[1] ?? '')
      .sort();
  return { repo, remote, refs };
}

describe('maestro clean on the queue remote', () => {
  it('deletes the refs of the tasks cleaned here and keeps a kept task, the bases and other runs', async () => {
    const { repo, remote, refs } = await remoteWithRuns();
    expect(await deleteRunRefs(repo, remote, 'r1', new Set(['t1']), true)).toBe(3);
    expect(refs().filter((ref) => ref.startsWith('refs/maestro/'))).toEqual([
      expect.stringMatching(/^refs\/maestro\/r1\/bases\//),
      'refs/maestro/r1/done/1/t2',
      'refs/maestro/r1/tasks/t2',
      'refs/maestro/r2/tasks/t1',
    ]);
    // The last task cleaned: the bases go too; the other run and the main branch stay.
    expect(await deleteRunRefs(repo, remote, 'r1', new Set(['t2']), false)).toBe(3);
    expect(refs()).toEqual(['refs/heads/main', 'refs/maestro/r2/tasks/t1']);
  });

  it('with --discard deletes every ref of the run, and says which remote failed when it cannot', async () => {
    const { repo, remote, refs } = await remoteWithRuns();
    expect(await deleteRunRefs(repo, remote, 'r1', 'all', true)).toBe(6);
    expect(refs()).toEqual(['refs/heads/main', 'refs/maestro/r2/tasks/t1']);
    await expect(deleteRunRefs(repo, `${remote}-gone`, 'r1', 'all', false)).rejects.toThrow(
      /^listing the refs of run r1 on .*-gone failed: /,
    );
  });
});
