import { describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { WorktreeQueue } from '../../src/orchestrator/task-worktree.js';
import { repairWorktreeAdmin } from '../../src/orchestrator/worktree-repair.js';
import { gitCommonDir } from '../../src/orchestrator/run-paths.js';
import { tempDir, tempRepo, runGit } from '../helpers/repo.js';

const runId = '20260101-0000-aaaa';

async function setup() {
  const repo = await tempRepo({ 'README.md': '# r\n', 'src/a.ts': 'a\n' });
  const root = await tempDir('maestro-wt-');
  const base = runGit(repo, ['rev-parse', 'HEAD']);
  return { repo, root, base, queue: new WorktreeQueue({ repo, runId, root }) };
}

describe('WorktreeQueue', () => {
  it('creates the worktrees of tasks started together, concurrently requested, without racing git', async () => {
    const { repo, base, queue } = await setup();
    const made = await Promise.all(Array.from({ length: 6 }, (_, i) => queue.acquire(`t${i}`, base)));
    expect(made.map((w) => w.reused)).toEqual([false, false, false, false, false, false]);
    for (const w of made) {
      await w.ready;
      expect(await readFile(join(w.path, 'src/a.ts'), 'utf8')).toBe('a\n');
      expect(runGit(w.path, ['status', '--porcelain'])).toBe('');
    }
    expect(runGit(repo, ['worktree', 'list']).split('\n')).toHaveLength(7);
  });

  it('reuses an existing worktree with its uncommitted work (retry, resume)', async () => {
    const { base, queue } = await setup();
    const first = await queue.acquire('t', base);
    await first.ready;
    await writeFile(join(first.path, 'work.txt'), 'in progress\n');
    const again = await queue.acquire('t', base);
    await again.ready;
    expect(again).toMatchObject({ reused: true, path: first.path });
    expect(await readFile(join(again.path, 'work.txt'), 'utf8')).toBe('in progress\n');
  });

  it('finishes a checkout a crash cut short instead of treating missing files as deleted', async () => {
    const { repo, root, base, queue } = await setup();
    const path = join(root, runId, 't');
    await mkdir(join(root, runId), { recursive: true });
    runGit(repo, [
      'worktree',
      'add',
      '--quiet',
      '--no-checkout',
      '-b',
      `maestro/${runId}/tasks/t`,
      path,
      base,
    ]);
    const adopted = await queue.acquire('t', base);
    expect(adopted.reused).toBe(true);
    await adopted.ready;
    expect(runGit(adopted.path, ['status', '--porcelain'])).toBe('');
    expect(await readFile(join(adopted.path, 'README.md'), 'utf8')).toBe('# r\n');
  });

  it('checks the branch out again when only the folder is gone, and moves a stray folder aside', async () => {
    const { repo, root, base, queue } = await setup();
    const first = await queue.acquire('t', base);
    await first.ready;
    await writeFile(join(first.path, 'done.txt'), 'x\n');
    runGit(first.path, ['add', '-A']);
    runGit(first.path, ['commit', '-qm', 'work']);
    runGit(repo, ['worktree', 'remove', '-f', '-f', first.path]);
    await mkdir(first.path, { recursive: true });
    await writeFile(join(first.path, 'junk'), 'j');
    const again = await queue.acquire('t', base);
    await again.ready;
    expect(await readFile(join(again.path, 'done.txt'), 'utf8')).toBe('x\n');
    expect(await readdir(join(root, '.trash'))).toHaveLength(1);
  });

  it('repairs a worktree admin folder left without its files by a crash', async () => {
    const { repo, base, queue } = await setup();
    const made = await queue.acquire('t', base);
    await made.ready;
    const common = await gitCommonDir(repo);
    await mkdir(join(common, 'worktrees', 'half'), { recursive: true });
    expect(await repairWorktreeAdmin(repo, common)).toEqual(['half']);
    expect(runGit(repo, ['worktree', 'list'])).toContain(made.path);
  });

  it('repairs an admin folder whose commondir a crash left empty (git fails every worktree command on it)', async () => {
    const { repo, base, queue } = await setup();
    const made = await queue.acquire('t', base);
    await made.ready;
    const common = await gitCommonDir(repo);
    const half = join(common, 'worktrees', 'empty');
    await mkdir(half, { recursive: true });
    await writeFile(join(half, 'gitdir'), `${join(common, 'gone', '.git')}\n`);
    await writeFile(join(half, 'HEAD'), `${base}\n`);
    await writeFile(join(half, 'commondir'), '');
    expect(() => runGit(repo, ['worktree', 'list'])).toThrow(/commondir/);
    expect(await repairWorktreeAdmin(repo, common)).toEqual(['empty']);
    expect(runGit(repo, ['worktree', 'list'])).toContain(made.path);
  });

  it("hands out a task's worktree before its files: its own folders first, then all of it", async () => {
    const repo = await tempRepo({
      'README.md': '# r\n',
      'src/a.ts': 'a\n',
      'src/deep/b.ts': 'b\n',
      'lib/c.ts': 'c\n',
    });
    const root = await tempDir('maestro-wt-');
    const head = runGit(repo, ['rev-parse', 'HEAD']);
    // Below the size where a cone pays off, the tree is checked out in one go.
    const small = await new WorktreeQueue({ repo, runId, root }).acquire('s', head, ['src/**/*.ts']);
    expect(small.early).toBeNull();
    const queue = new WorktreeQueue({ repo, runId, root, coneMinFiles: 4 });
    const worktree = await queue.acquire('t', head, ['src/**/*.ts']);
    expect(worktree.early?.cone.folders).toEqual(['src']);
    await worktree.early?.checkedOut;
    expect(await readFile(join(worktree.path, 'src/deep/b.ts'), 'utf8')).toBe('b\n');
    expect(await readFile(join(worktree.path, 'README.md'), 'utf8')).toBe('# r\n');
    await worktree.ready;
    expect(await readFile(join(worktree.path, 'lib/c.ts'), 'utf8')).toBe('c\n');
    expect(runGit(worktree.path, ['status', '--porcelain'])).toBe('');
  });

  it('finishes a checkout a crash cut short after the cone, without recording the missing files as deleted', async () => {
    const { repo, root, base } = await setup();
    const before = new WorktreeQueue({ repo, runId, root, coneMinFiles: 0 });
    const cut = await before.acquire('t', base, ['src/a.ts']);
    await cut.ready;
    // As a crash right after the cone leaves it: marker there, files outside the cone missing.
    const admin = runGit(cut.path, ['rev-parse', '--path-format=absolute', '--git-dir']);
    await writeFile(join(admin, 'maestro-checkout'), '1\n');
    await rm(join(cut.path, 'README.md'));
    expect(runGit(cut.path, ['status', '--porcelain'])).toBe(' D README.md');
    const adopted = await new WorktreeQueue({ repo, runId, root }).acquire('t', base);
    expect(adopted.reused).toBe(true);
    await adopted.ready;
    expect(runGit(adopted.path, ['status', '--porcelain'])).toBe('');
    expect(await readFile(join(adopted.path, 'README.md'), 'utf8')).toBe('# r\n');
  });
});
