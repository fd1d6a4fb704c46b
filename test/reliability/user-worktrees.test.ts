import { describe, expect, it } from 'vitest';
import { access, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Journal } from '../../src/orchestrator/journal.js';
import { gitCommonDir, runDir } from '../../src/orchestrator/run-paths.js';
import { repairWorktreeAdmin } from '../../src/orchestrator/worktree-repair.js';
import { runCli } from '../helpers/cli.js';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** A user's own worktree with a staged change, its folder briefly away (an unmounted drive). */
async function userWorktreeAway() {
  const repo = await tempRepo();
  const outside = await tempDir('maestro-user-');
  const userTree = join(outside, 'feature');
  runGit(repo, ['worktree', 'add', '-q', '-b', 'feature', userTree]);
  await writeFile(join(userTree, 'staged.txt'), 'work in progress\n');
  runGit(userTree, ['add', 'staged.txt']);
  const away = join(outside, 'unmounted');
  await rename(userTree, away);
  const admin = join(await gitCommonDir(repo), 'worktrees', 'feature');
  return { repo, userTree, away, admin };
}

describe("maestro touches only its own worktrees' admin data (#14 item 2)", () => {
  it('clean leaves a user worktree whose folder is away registered, staged index and all', async () => {
    const { repo, userTree, away, admin } = await userWorktreeAway();
    const worktrees = await tempDir('maestro-wt-');
    await writeFile(join(repo, '.maestrorc.json'), JSON.stringify({ worktreeDir: worktrees }));
    const id = '20261124-010000-abcd';
    const journal = await Journal.open(runDir(await gitCommonDir(repo), id), id);
    await journal.append({ type: 'log', level: 'info', message: 'started' });
    await journal.close();
    const result = await runCli(['clean', id], { cwd: repo });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(await exists(join(admin, 'index'))).toBe(true);
    await rename(away, userTree);
    expect(runGit(userTree, ['diff', '--cached', '--name-only'])).toBe('staged.txt');
  });

  it('resume repair leaves it too, but forgets a missing worktree under maestro’s root', async () => {
    const { repo, admin } = await userWorktreeAway();
    const root = await tempDir('maestro-wt-');
    const ours = join(root, 'run', 'task');
    runGit(repo, ['worktree', 'add', '-q', '--detach', ours]);
    await rename(ours, join(root, 'gone'));
    await repairWorktreeAdmin(repo, root);
    expect(await exists(join(admin, 'index'))).toBe(true);
    expect(runGit(repo, ['worktree', 'list', '--porcelain'])).not.toContain(ours);
  });
});
