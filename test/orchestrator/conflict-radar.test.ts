import { describe, expect, it, vi } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictRadar, type RadarTask } from '../../src/orchestrator/conflict-radar.js';
import type { OverlapPair } from '../../src/git/overlap.js';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';

const base = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\n';

async function twoWorktrees(): Promise<{ repo: string; tasks: RadarTask[] }> {
  const repo = await tempRepo({ 'shared.txt': base, 'README.md': '# r\n' });
  const root = await tempDir('maestro-wt-');
  const tasks = ['api', 'cli'].map((id) => {
    const worktree = join(root, id);
    runGit(repo, ['worktree', 'add', '-q', '-b', `maestro/r/tasks/${id}`, worktree, 'main']);
    return { id, worktree };
  });
  return { repo, tasks };
}

function radarOn(repo: string, tasks: RadarTask[], initial?: OverlapPair[]) {
  const published: OverlapPair[][] = [];
  const radar = new ConflictRadar({
    repo,
    running: () => tasks,
    publish: async (pairs) => void published.push(pairs),
    intervalMs: 50,
    settleMs: 10,
    ...(initial && { initial }),
  });
  return { radar, published };
}

describe('the conflict radar on running worktrees', () => {
  it('names two agents editing the same lines, and clears the pair when one changes back', async () => {
    const { repo, tasks } = await twoWorktrees();
    const [api, cli] = tasks as [RadarTask, RadarTask];
    const { radar, published } = radarOn(repo, tasks);
    await writeFile(join(api.worktree, 'shared.txt'), base.replace('two', 'TWO from api'));
    await writeFile(join(cli.worktree, 'shared.txt'), base.replace('two', 'TWO from cli'));
    radar.changed('api');
    radar.changed('cli');
    await vi.waitFor(() => expect(published).toEqual([[{ a: 'api', b: 'cli', files: ['shared.txt'] }]]));

    await writeFile(join(cli.worktree, 'shared.txt'), base);
    radar.changed('cli');
    await vi.waitFor(() => expect(published.at(-1)).toEqual([]));
    expect(published).toHaveLength(2);
    // Nothing was committed in either worktree.
    expect(runGit(api.worktree, ['status', '--porcelain'])).toBe(' M shared.txt');
    expect(runGit(cli.worktree, ['status', '--porcelain'])).toBe('');
    await radar.close();
  });

  it('does not pair edits to different lines of a file; an add/add of one path is a pair', async () => {
    const { repo, tasks } = await twoWorktrees();
    const [api, cli] = tasks as [RadarTask, RadarTask];
    const { radar, published } = radarOn(repo, tasks);
    await writeFile(join(api.worktree, 'shared.txt'), base.replace('one', 'ONE'));
    await writeFile(join(cli.worktree, 'shared.txt'), base.replace('seven', 'SEVEN'));
    await writeFile(join(cli.worktree, 'new.txt'), 'untracked\n');
    radar.changed('api');
    radar.changed('cli');
    await writeFile(join(api.worktree, 'new.txt'), 'other\n');
    radar.changed('api');
    await vi.waitFor(() => expect(published).toEqual([[{ a: 'api', b: 'cli', files: ['new.txt'] }]]));
    radar.left('cli');
    await vi.waitFor(() => expect(published.at(-1)).toEqual([]));
    await radar.close();
  });

  it('compares only tasks that changed a file another task changed too', async () => {
    const { repo, tasks } = await twoWorktrees();
    const [api, cli] = tasks as [RadarTask, RadarTask];
    const shown = { a: 'api', b: 'cli', files: ['shared.txt'] };
    const { radar, published } = radarOn(repo, tasks, [shown]);
    await writeFile(join(api.worktree, 'shared.txt'), base.replace('two', 'TWO from api'));
    await writeFile(join(cli.worktree, 'shared.txt'), base.replace('two', 'TWO from cli'));
    // The worktrees do collide, but the tasks report different files: the pair is not looked at.
    radar.changed('api', ['README.md']);
    radar.changed('cli', ['other.txt']);
    await vi.waitFor(() => expect(published).toEqual([[]]));
    radar.changed('cli', ['shared.txt']);
    radar.changed('api', ['shared.txt']);
    await vi.waitFor(() => expect(published).toEqual([[], [shown]]));
    await radar.close();
  });
});
