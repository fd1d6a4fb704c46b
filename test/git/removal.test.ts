import { access, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';
import { createWorktrees } from '../../src/git/worktree-create.js';
import { ensureResultBranch, mergeIntoResult } from '../../src/git/merge.js';
import { snapshotWorktree } from '../../src/git/snapshot.js';
import { removeTaskWorktrees } from '../../src/git/removal.js';
import { reconcileRun } from '../../src/git/reconcile.js';
import { listWorktrees } from '../../src/git/worktree-list.js';
import { captureUserTree, expectUserTreeUntouched } from './user-tree.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function runWithTasks(taskIds: string[]) {
  const repo = await tempRepo({ 'a.txt': 'a\n' });
  const root = await tempDir('maestro-wts-');
  const base = runGit(repo, ['rev-parse', 'HEAD']);
  await ensureResultBranch(repo, 'r1', base);
  const batch = await createWorktrees(
    taskIds.map((taskId) => ({ taskId, commit: base })),
    { repo, runId: 'r1', root },
  );
  const path = (taskId: string) => batch.ready.find((worktree) => worktree.taskId === taskId)!.path;
  const commitWork = async (taskId: string) => {
    await writeFile(join(path(taskId), `${taskId}-work.txt`), `${taskId}\n`);
    const snap = await snapshotWorktree({
      worktree: path(taskId),
      runId: 'r1',
      taskId,
      agentId: taskId,
      message: taskId,
    });
    if (!snap.committed) throw new Error('no commit');
    return snap.commit;
  };
  return { repo, root, base, path, commitWork };
}

describe('removeTaskWorktrees', () => {
  it('removes merged task worktrees and branches, keeps unmerged and dirty ones', async () => {
    const { repo, root, path, commitWork } = await runWithTasks(['merged', 'unmerged', 'dirty']);
    const before = await captureUserTree(repo);
    const merged = await commitWork('merged');
    await commitWork('unmerged');
    expect(
      (await mergeIntoResult(repo, { runId: 'r1', taskId: 'merged', theirs: merged, message: 'm' })).status,
    ).toBe('merged');
    await writeFile(join(path('dirty'), 'wip.txt'), 'uncommitted\n');
    const outcome = await removeTaskWorktrees(repo, { runId: 'r1', root });
    expect(outcome.removed).toEqual(['merged']);
    expect(outcome.plan.keep).toEqual([
      { taskId: 'dirty', branch: 'maestro/r1/tasks/dirty', reason: 'its worktree has uncommitted changes' },
      {
        taskId: 'unmerged',
        branch: 'maestro/r1/tasks/unmerged',
        reason: 'it is not merged into the result branch',
      },
    ]);
    await outcome.trashEmptied;
    expect(await exists(path('merged'))).toBe(false);
    expect(await readdir(join(root, '.trash'))).toEqual([]);
    expect(await exists(path('unmerged'))).toBe(true);
    expect(runGit(repo, ['branch', '--list', 'maestro/r1/tasks/*', '--format=%(refname:short)'])).toBe(
      'maestro/r1/tasks/dirty\nmaestro/r1/tasks/unmerged',
    );
    expect((await listWorktrees(repo)).map((entry) => entry.path)).not.toContain(path('merged'));
    await expectUserTreeUntouched(repo, before);
  });

  it('removes unmerged work only with discard, and never touches another run or a live lock', async () => {
    const { repo, root, path, commitWork } = await runWithTasks(['a', 'busy']);
    await commitWork('a');
    runGit(repo, ['worktree', 'unlock', path('busy')]);
    runGit(repo, ['worktree', 'lock', '--reason', `maestro pid=${process.ppid} run=r1`, path('busy')]);
    runGit(repo, ['branch', 'maestro/r2/tasks/a', 'HEAD']);
    const outcome = await removeTaskWorktrees(repo, { runId: 'r1', root, discard: true });
    expect(outcome.removed).toEqual(['a']);
    expect(outcome.plan.keep).toEqual([
      {
        taskId: 'busy',
        branch: 'maestro/r1/tasks/busy',
        reason: `its worktree is in use by process ${process.ppid}`,
      },
    ]);
    expect(runGit(repo, ['rev-parse', '--verify', 'maestro/r2/tasks/a'])).toMatch(/^[0-9a-f]{40}$/);
    await outcome.trashEmptied;
  });
});

describe('removal with linked dependency folders', () => {
  it('removes a merged worktree whose node_modules is a link, and leaves the shared folder intact', async () => {
    const repo = await tempRepo({ 'package-lock.json': '{}\n', '.gitignore': 'node_modules/\n' });
    await mkdir(join(repo, 'node_modules', 'dep'), { recursive: true });
    await writeFile(join(repo, 'node_modules', 'dep', 'index.js'), 'shared\n');
    const root = await tempDir('maestro-wts-');
    const base = runGit(repo, ['rev-parse', 'HEAD']);
    await ensureResultBranch(repo, 'r1', base);
    const rules = [{ dir: 'node_modules', lockfile: 'package-lock.json' }];
    const batch = await createWorktrees([{ taskId: 't', commit: base }], {
      repo,
      runId: 'r1',
      root,
      linkDependencies: rules,
    });
    const worktree = batch.ready[0]!;
    expect(worktree.linked).toEqual(['node_modules']);
    await writeFile(join(worktree.path, 'work.txt'), 'work\n');
    const snap = await snapshotWorktree({
      worktree: worktree.path,
      runId: 'r1',
      taskId: 't',
      agentId: 'a',
      message: 't',
      exclude: worktree.linked,
    });
    if (!snap.committed) throw new Error('no commit');
    expect(runGit(repo, ['ls-tree', '--name-only', snap.commit])).not.toContain('node_modules');
    await mergeIntoResult(repo, { runId: 'r1', taskId: 't', theirs: snap.commit, message: 'm' });
    const outcome = await removeTaskWorktrees(repo, { runId: 'r1', root });
    expect(outcome.removed).toEqual(['t']);
    await outcome.trashEmptied;
    expect(await readFile(join(repo, 'node_modules', 'dep', 'index.js'), 'utf8')).toBe('shared\n');
  });
});

describe('reconcileRun', () => {
  it('adopts unrecorded work, removes untouched leftovers, and takes over stale locks', async () => {
    const { repo, root, path, commitWork } = await runWithTasks(['known', 'lost-work', 'leftover']);
    await commitWork('lost-work');
    // The known task's lock names a process that has exited.
    runGit(repo, ['worktree', 'unlock', path('known')]);
    runGit(repo, ['worktree', 'lock', '--reason', 'maestro pid=999999 run=r1', path('known')]);
    const outcome = await reconcileRun(repo, ['known'], { runId: 'r1', root });
    expect(outcome.adopted).toEqual([
      expect.objectContaining({
        taskId: 'lost-work',
        branch: 'maestro/r1/tasks/lost-work',
        path: path('lost-work'),
      }),
    ]);
    expect(outcome.removed).toEqual(['leftover']);
    expect(outcome.busy).toEqual([]);
    await outcome.trashEmptied;
    expect(await exists(path('leftover'))).toBe(false);
    expect(await exists(path('lost-work'))).toBe(true);
    const known = (await listWorktrees(repo)).find((entry) => entry.path === path('known'));
    expect(known?.lockReason).toBe(`maestro pid=${process.pid} run=r1`);
  });
});
