import { describe, expect, it } from 'vitest';
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { gitCommonDir, runsRoot } from '../../src/orchestrator/run-paths.js';
import { tempDir } from '../helpers/repo.js';
import { scriptedRepo } from './scripted-run.js';

async function runFolders(repo: string): Promise<string[]> {
  return readdir(runsRoot(await gitCommonDir(repo))).catch(() => []);
}

describe('worktreeDir checks before anything is written', () => {
  it('a worktreeDir through a symlink into the repository is refused (#14 item 6)', async () => {
    const link = join(await tempDir('maestro-link-'), 'worktrees');
    const s = await scriptedRepo('echo hi > x.txt', { config: { worktreeDir: link } });
    await mkdir(join(s.repo, 'inside'));
    await symlink(join(s.repo, 'inside'), link);
    const result = await s.run();
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^maestro: worktreeDir .* is inside the repository .*\n$/);
    expect(await runFolders(s.repo)).toEqual([]);
    expect(await readdir(join(s.repo, 'inside'))).toEqual([]);
  });

  it('an unwritable worktreeDir (under /proc) is one clear line, not a spin (#14 item 12)', async () => {
    const s = await scriptedRepo('echo hi > x.txt', { config: { worktreeDir: '/proc/maestro-wt' } });
    const result = await s.run();
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /^maestro: worktreeDir: cannot create \/proc\/maestro-wt\/\S+ \(\w+\); .*\n$/,
    );
    expect(await runFolders(s.repo)).toEqual([]);
  });
});
