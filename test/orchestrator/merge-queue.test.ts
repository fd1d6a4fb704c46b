import { describe, expect, it } from 'vitest';
import { runGit, tempRepo } from '../helpers/repo.js';
import { ensureResultBranch } from '../../src/git/merge.js';
import { MergeQueue } from '../../src/orchestrator/task-merge.js';
import type { TaskContext } from '../../src/orchestrator/scheduler.js';
import type { Task } from '../../src/orchestrator/plan.js';
import { PauseGate } from '../../src/orchestrator/pause-gate.js';
import { emptyUsage } from '../../src/llm/types.js';
import { commitOnBranch } from '../git/commits.js';

const runId = 'r1';
const credits = { agentId: 'a.1', model: 'm', provider: 'p', usage: emptyUsage(), costUsd: 0 };
const task = (id: string): Task => ({ id, title: `Task ${id}`, instructions: id, files: [], dependsOn: [] });

/** Contexts sharing one merge chain, as the scheduler's do; `hold` keeps the chain busy until released. */
function contexts() {
  let chain: Promise<unknown> = Promise.resolve();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const ctx: TaskContext = {
    runId,
    attempt: 1,
    baseCommit: '',
    resultBranch: `maestro/${runId}/result`,
    signal: new AbortController().signal,
    emit: () => {
      throw new Error('merging emits no events');
    },
    pause: new PauseGate(),
    serializeMerge: <T>(fn: () => Promise<T>): Promise<T> => {
      const result = chain.then(fn);
      chain = result.catch(() => undefined);
      return result;
    },
  };
  return { ctx, hold: () => ctx.serializeMerge(() => held), release };
}

describe('MergeQueue', () => {
  it('lands the tasks that finished while a merge ran as one batch, in the order they finished', async () => {
    const repo = await tempRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' });
    const base = runGit(repo, ['rev-parse', 'HEAD']);
    await ensureResultBranch(repo, runId, base);
    const commits = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        commitOnBranch(repo, `maestro/${runId}/tasks/${name}`, base, { [`${name}.txt`]: `${name}2\n` }),
      ),
    );
    const queue = new MergeQueue(repo);
    const { ctx, hold, release } = contexts();
    const busy = hold();
    const outcomes = ['a', 'b', 'c'].map((name, i) =>
      queue.merge(ctx, task(name), commits[i] ?? '', credits),
    );
    release();
    await busy;
    const merged = await Promise.all(outcomes);
    expect(merged.map((outcome) => outcome.kind)).toEqual(['merged', 'merged', 'merged']);
    const heads = merged.map((outcome) => (outcome.kind === 'merged' ? outcome.commit : ''));
    const result = runGit(repo, ['rev-parse', `maestro/${runId}/result`]);
    expect(heads[2]).toBe(result);
    // Each task its own merge commit on the one before, the branch moved once.
    expect(runGit(repo, ['log', '--format=%s', `${base}..${result}`, '--first-parent'])).toBe(
      [
        'maestro: merge task c: Task c',
        'maestro: merge task b: Task b',
        'maestro: merge task a: Task a',
      ].join('\n'),
    );
    expect(runGit(repo, ['log', '-1', '--format=%P', heads[1] ?? ''])).toBe(`${heads[0]} ${commits[1]}`);
    expect(runGit(repo, ['reflog', '--format=%gs', `maestro/${runId}/result`]).split('\n')[0]).toBe(
      'maestro: merge 3 tasks',
    );
  });

  it('fails only the task whose commit cannot be merged when its batch goes wrong', async () => {
    const repo = await tempRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const base = runGit(repo, ['rev-parse', 'HEAD']);
    await ensureResultBranch(repo, runId, base);
    const good = await commitOnBranch(repo, `maestro/${runId}/tasks/a`, base, { 'a.txt': 'a2\n' });
    const queue = new MergeQueue(repo);
    const { ctx, hold, release } = contexts();
    const busy = hold();
    const bad = queue.merge(ctx, task('bad'), 'f'.repeat(40), credits);
    const fine = queue.merge(ctx, task('a'), good, credits);
    release();
    await busy;
    await expect(bad).rejects.toThrow(/git merge-tree/);
    expect(await fine).toMatchObject({ kind: 'merged' });
    expect(runGit(repo, ['show', `maestro/${runId}/result:a.txt`])).toBe('a2');
  });
});
