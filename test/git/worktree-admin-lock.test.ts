import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';
import { git } from '../../src/git/runner.js';
import {
  ADMIN_LOCK_NAME,
  commonDirOf,
  isAdminRace,
  retryAdminRace,
  withWorktreeAdminLock,
} from '../../src/git/worktree-admin-lock.js';
import { listWorktrees } from '../../src/git/worktree-list.js';

/** A pid that was just in use and is not any more. */
function deadPid(): number {
  const done = spawnSync(process.execPath, ['-e', '']);
  if (done.pid === undefined) throw new Error('no child pid');
  return done.pid;
}

describe('withWorktreeAdminLock', () => {
  it('runs callers one at a time and leaves no lock file behind', async () => {
    const common = await commonDirOf(await tempRepo());
    let inside = 0;
    let most = 0;
    const work = async (): Promise<void> => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((resolve) => setImmediate(resolve));
      await readdir(common);
      inside--;
    };
    await Promise.all(Array.from({ length: 6 }, () => withWorktreeAdminLock(common, work)));
    expect(most).toBe(1);
    expect((await readdir(common)).filter((name) => name.startsWith(ADMIN_LOCK_NAME))).toEqual([]);
  });

  it('takes over a lock whose process is dead, or that names no process', async () => {
    const common = await commonDirOf(await tempRepo());
    const file = join(common, ADMIN_LOCK_NAME);
    for (const stale of [`${deadPid()} old-token\n`, 'garbage']) {
      await writeFile(file, stale);
      expect(await withWorktreeAdminLock(common, () => readFile(file, 'utf8'))).toMatch(
        new RegExp(`^${process.pid} `),
      );
      expect((await readdir(common)).filter((name) => name.startsWith(ADMIN_LOCK_NAME))).toEqual([]);
    }
  });

  it('waits for a live holder only so long, then says who holds it and leaves its lock alone', async () => {
    const common = await commonDirOf(await tempRepo());
    const file = join(common, ADMIN_LOCK_NAME);
    const held = `${process.pid} someone-else\n`;
    await writeFile(file, held);
    let ran = false;
    await expect(
      withWorktreeAdminLock(common, async () => void (ran = true), { waitMs: 100 }),
    ).rejects.toThrow(
      `Another maestro process (pid ${process.pid}) has been changing this repository's worktrees for over 100 ms`,
    );
    expect(ran).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(held);
  });
});

describe('retryAdminRace', () => {
  /** A half-made admin folder as `git worktree add` leaves it for a moment: `commondir` still empty. */
  async function halfMade(): Promise<{ repo: string; commondir: string }> {
    const repo = await tempRepo();
    const worktree = await tempDir('maestro-half-');
    const admin = join(await commonDirOf(repo), 'worktrees', 'half');
    await mkdir(admin, { recursive: true });
    await writeFile(join(admin, 'gitdir'), `${join(worktree, '.git')}\n`);
    await writeFile(join(worktree, '.git'), `gitdir: ${admin}\n`);
    await writeFile(join(admin, 'HEAD'), `${runGit(repo, ['rev-parse', 'HEAD'])}\n`);
    await writeFile(join(admin, 'commondir'), '');
    return { repo, commondir: join(admin, 'commondir') };
  }

  it("knows git's own failure on a half-made folder, and runs the command again once it is whole", async () => {
    const { repo, commondir } = await halfMade();
    const error = await git(['worktree', 'list', '--porcelain'], { cwd: repo }).catch(
      (caught: unknown) => caught,
    );
    expect(isAdminRace(error)).toBe(true);
    let calls = 0;
    const listed = await retryAdminRace(async () => {
      calls++;
      if (calls === 3) await writeFile(commondir, '../..\n');
      return listWorktrees(repo);
    });
    expect(calls).toBe(3);
    expect(listed).toHaveLength(2);
  });

  it('gives up after its attempts with git’s error, and never retries other failures', async () => {
    const { repo } = await halfMade();
    await expect(retryAdminRace(() => git(['worktree', 'list'], { cwd: repo }), 2)).rejects.toThrow(
      /failed to read .*commondir/,
    );
    const whole = await tempRepo();
    let calls = 0;
    const other = retryAdminRace(async () => {
      calls++;
      return git(['worktree', 'lock', '/nowhere'], { cwd: whole });
    });
    await expect(other).rejects.toThrow(/is not a working tree/);
    expect(calls).toBe(1);
  });
});
