import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitDiffLoader } from '../../src/ui/diff.js';
import { initialRunView, type RunView, type TaskView } from '../../src/ui/store/run-state.js';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';

function taskOf(fields: Partial<TaskView>): TaskView {
  return {
    id: 'api',
    title: 'api',
    dependsOn: [],
    state: 'running',
    attempt: 1,
    filesChanged: new Set(),
    tokens: { input: 0, cached: 0, output: 0 },
    costUsd: 0,
    activity: [],
    ...fields,
  };
}

describe('diff of an agent', () => {
  it('shows the live worktree, new files included, then the branch once the worktree is gone', async () => {
    const repo = await tempRepo({ 'src/a.ts': 'export const a = 1;\n' });
    const base = runGit(repo, ['rev-parse', 'HEAD']);
    const worktree = join(await tempDir(), 'wt');
    runGit(repo, ['worktree', 'add', '-q', '-b', 'maestro/r/tasks/api', worktree]);
    await writeFile(join(worktree, 'src/a.ts'), 'export const a = 2;\n');
    await writeFile(join(worktree, 'src/new.ts'), 'export const b = 3;\n');
    const view: RunView = { ...initialRunView(), repo, baseCommit: base };
    const task = taskOf({ worktree, branch: 'maestro/r/tasks/api', baseCommit: base });

    const live = await gitDiffLoader(task, view);
    expect(live).toContain('-export const a = 1;');
    expect(live).toContain('+export const a = 2;');
    expect(live).toContain('+++ b/src/new.ts');

    runGit(worktree, ['add', '-A']);
    runGit(worktree, ['commit', '-q', '-m', 'work']);
    runGit(repo, ['worktree', 'remove', '--force', worktree]);
    await rm(worktree, { recursive: true, force: true });
    const merged = await gitDiffLoader(task, view);
    expect(merged).toContain('+export const a = 2;');
    expect(merged).toContain('+++ b/src/new.ts');
  });
});
