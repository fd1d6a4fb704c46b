import { describe, expect, it } from 'vitest';
import { planRemoval } from './removal.js';
import { planReconcile } from './reconcile.js';
import { lockState } from './locks.js';
import { parseNumstat } from './diff-stats.js';
import { parseWorktreeList } from './worktree-list.js';
import { parseTaskBranch, taskBranch } from './refs.js';
import type { TaskFacts } from './run-inventory.js';
import { worktreePath, worktreeRoot } from './worktree-paths.js';

function fact(taskId: string, over: Partial<TaskFacts> = {}): TaskFacts {
  return {
    taskId,
    branch: `maestro/r/tasks/${taskId}`,
    branchCommit: 'c',
    worktree: { path: `/wt/r/${taskId}`, prunable: false, lock: 'ours', lockPid: 1 },
    merged: true,
    dirty: false,
    ownFolder: true,
    ...over,
  };
}

describe('planRemoval', () => {
  const facts = [
    fact('merged'),
    fact('unmerged', { merged: false }),
    fact('dirty', { dirty: true }),
    fact('elsewhere', { ownFolder: false }),
    fact('live', { worktree: { path: '/wt/r/live', prunable: false, lock: 'live', lockPid: 7 } }),
  ];
  it('removes only merged, clean, own, unused worktrees', () => {
    const plan = planRemoval(facts, { discard: false });
    expect(plan.remove.map((action) => action.taskId)).toEqual(['merged']);
    expect(plan.keep.map((kept) => kept.taskId)).toEqual(['unmerged', 'dirty', 'elsewhere', 'live']);
  });
  it('with discard removes unmerged and dirty work but still not foreign or live ones', () => {
    const plan = planRemoval(facts, { discard: true });
    expect(plan.remove.map((action) => [action.taskId, action.why])).toEqual([
      ['merged', 'discard'],
      ['unmerged', 'discard'],
      ['dirty', 'discard'],
    ]);
  });
  it('limits itself to the named tasks', () => {
    expect(planRemoval(facts, { discard: true, taskIds: ['dirty'] }).remove.map((a) => a.taskId)).toEqual([
      'dirty',
    ]);
  });
});

describe('planReconcile', () => {
  it('adopts work, removes untouched leftovers, relocks stale locks, reports busy ones', () => {
    const actions = planReconcile(
      ['known'],
      [
        fact('known', { worktree: { path: '/wt/r/known', prunable: false, lock: 'stale', lockPid: 9 } }),
        fact('work', { merged: false }),
        fact('wip', { dirty: true }),
        fact('leftover'),
        fact('other', { worktree: { path: '/wt/r/other', prunable: false, lock: 'live', lockPid: 5 } }),
      ],
    );
    expect(actions.map((action) => `${action.kind}:${action.taskId}`)).toEqual([
      'relock:known',
      'adopt:work',
      'adopt:wip',
      'remove:leftover',
      'busy:other',
    ]);
  });
});

describe('small parsers', () => {
  it('reads lock states from reasons and pids', () => {
    const alive = (pid: number) => pid === 5;
    expect(lockState({ locked: false, lockReason: null }, 1, alive)).toBe('unlocked');
    expect(lockState({ locked: true, lockReason: 'maestro pid=1 run=r' }, 1, alive)).toBe('ours');
    expect(lockState({ locked: true, lockReason: 'maestro pid=5 run=r' }, 1, alive)).toBe('live');
    expect(lockState({ locked: true, lockReason: 'maestro pid=6 run=r' }, 1, alive)).toBe('stale');
    expect(lockState({ locked: true, lockReason: 'my laptop pid=6' }, 1, alive)).toBe('foreign');
  });

  it('parses numstat with renames and binaries', () => {
    expect(parseNumstat('1\t2\ta.txt\0-\t-\tb.bin\0' + '0\t0\t\0old name\0new name\0')).toEqual({
      files: [
        { path: 'a.txt', insertions: 1, deletions: 2 },
        { path: 'b.bin', insertions: null, deletions: null },
        { path: 'new name', oldPath: 'old name', insertions: 0, deletions: 0 },
      ],
      insertions: 1,
      deletions: 2,
    });
  });

  it('parses worktree list porcelain', () => {
    const out =
      'worktree /repo\0HEAD aaa\0branch refs/heads/main\0\0worktree /wt/x\0HEAD bbb\0detached\0locked maestro pid=3 run=r\0prunable gitdir file points to non-existent location\0\0';
    expect(parseWorktreeList(out)).toEqual([
      {
        path: '/repo',
        head: 'aaa',
        branch: 'main',
        locked: false,
        lockReason: null,
        prunable: false,
        bare: false,
      },
      {
        path: '/wt/x',
        head: 'bbb',
        branch: null,
        locked: true,
        lockReason: 'maestro pid=3 run=r',
        prunable: true,
        bare: false,
      },
    ]);
  });

  it('names and recognises task branches', () => {
    expect(taskBranch('r1', 't-1')).toBe('maestro/r1/tasks/t-1');
    expect(parseTaskBranch('refs/heads/maestro/r1/tasks/t-1')).toEqual({ runId: 'r1', taskId: 't-1' });
    expect(parseTaskBranch('maestro/r1/result')).toBeNull();
    expect(() => taskBranch('r1', 'a b')).toThrow(/cannot name a git branch/);
  });
});

describe('worktreeRoot', () => {
  it('defaults outside the repository and refuses a worktreeDir inside it', () => {
    const repo = { toplevel: '/home/u/proj', key: 'proj-1234abcd' };
    expect(worktreeRoot(repo, null)).toMatch(/maestro\/worktrees\/proj-1234abcd$/);
    expect(worktreeRoot(repo, '../wts')).toBe('/home/u/wts/proj-1234abcd');
    expect(() => worktreeRoot(repo, 'sub/wts')).toThrow(/inside the repository/);
    expect(worktreePath('/r', 'run1', 't1')).toBe('/r/run1/t1');
  });
});
