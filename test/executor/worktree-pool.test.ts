import { describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorktreePool } from '../../src/executor/worktree-pool.js';
import { gitCommonDir } from '../../src/orchestrator/run-paths.js';
import { trashDir } from '../../src/git/worktree-paths.js';
import { tempDir, tempRepo, runGit, writeFiles } from '../helpers/repo.js';

const runId = '20260101-0000-pool';
const lock = 'lock: 1\n';

async function setup(slots = 2, lendBeforeLanding = false) {
  const repo = await tempRepo({
    'README.md': '# r\n',
    'src/a.ts': 'a\n',
    'src/b.ts': 'b\n',
    '.gitignore': 'node_modules/\n.env\ndist/\n',
    'package-lock.json': lock,
  });
  // What the user's checkout has beside the tracked files: an ignored .env and installed dependencies.
  await writeFiles(repo, { '.env': 'SECRET=1\n', 'node_modules/dep/index.js': 'dep\n' });
  const root = await tempDir('maestro-wt-');
  const base = runGit(repo, ['rev-parse', 'HEAD']);
  const pool = new WorktreePool({
    repo,
    runId,
    root,
    slots,
    include: ['.env'],
    linkDependencies: [{ dir: 'node_modules', lockfile: 'package-lock.json' }],
    lendBeforeLanding,
  });
  return { repo, root, base, pool };
}

/** Every entry under `dir` but `.git`: path -> content hash, symlink target or "dir". */
async function tree(dir: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (path === '.git') continue;
    const full = join(dir, path);
    const stat = await lstat(full);
    if (stat.isSymbolicLink()) out[path] = `-> ${await readlink(full)}`;
    else if (stat.isDirectory()) Object.assign(out, { [path]: 'dir' }, await tree(dir, path));
    else
      out[path] = `${stat.mode.toString(8)} ${createHash('sha1')
        .update(await readFile(full))
        .digest('hex')}`;
  }
  return out;
}

/** What an agent of the previous task might leave behind, committed and not. */
async function messUp(path: string): Promise<void> {
  await writeFiles(path, {
    'src/a.ts': 'changed by the previous task\n',
    'src/new.ts': 'added by the previous task\n',
    'notes/todo.md': 'untracked\n',
    'dist/out.js': 'ignored build output\n',
    '.env': 'SECRET=overwritten by the agent\n',
  });
  runGit(path, ['add', 'src']);
  runGit(path, ['commit', '-qm', 'previous task']);
  await writeFile(join(path, 'src/b.ts'), 'uncommitted edit\n');
  // A nested repository and an operation the agent left half done.
  await mkdir(join(path, 'vendor/lib'), { recursive: true });
  runGit(join(path, 'vendor/lib'), ['init', '-q']);
  await writeFile(join(path, '.git-state-probe'), 'x');
  const admin = runGit(path, ['rev-parse', '--absolute-git-dir']);
  await writeFile(join(admin, 'MERGE_HEAD'), `${runGit(path, ['rev-parse', 'HEAD'])}\n`);
}

/** Task a committed its work in the pool's one worktree while b waits for one; a is held, lendable. */
async function aCommittedWhileBWaits(pool: WorktreePool, base: string) {
  const a = await pool.acquire('a', base);
  await a.ready;
  await writeFiles(a.path, { 'src/a.ts': 'a, done\n' });
  runGit(a.path, ['commit', '-qam', 'a']);
  const head = runGit(a.path, ['rev-parse', 'HEAD']);
  const waiting = pool.acquire('b', base);
  const landA = pool.hold(a, true);
  return { a, head, waiting, landA };
}

describe('WorktreePool', () => {
  it('switches a merged task’s worktree to the next task in place; nothing of the previous task survives', async () => {
    const { repo, root, base, pool } = await setup();
    const first = await pool.acquire('one', base);
    await first.ready;
    const { ino } = await lstat(first.path);
    expect(await readlink(join(first.path, 'node_modules'))).toBe(join(repo, 'node_modules'));
    await messUp(first.path);
    await pool.hold(first)('merged');

    const second = await pool.acquire('two', base);
    const ready = await second.ready;
    // The same folder (renamed to the task's path), not a new checkout.
    expect(second.path).toBe(join(root, runId, 'two'));
    expect((await lstat(second.path)).ino).toBe(ino);
    expect(second).toMatchObject({ branch: `maestro/${runId}/tasks/two`, reused: false, commit: base });
    expect(ready.linked).toEqual(['node_modules']);
    expect(runGit(repo, ['worktree', 'list', '--porcelain'])).not.toContain(first.path);

    // A fresh worktree at the same base, made by a pool with nothing to recycle: the reference.
    const fresh = await new WorktreePool({
      repo,
      runId: '20260101-0000-ref',
      root,
      slots: 1,
      include: ['.env'],
      linkDependencies: [{ dir: 'node_modules', lockfile: 'package-lock.json' }],
    }).acquire('two', base);
    await fresh.ready;
    expect(await tree(second.path)).toEqual(await tree(fresh.path));
    expect(await readFile(join(second.path, '.env'), 'utf8')).toBe('SECRET=1\n');
    // What the agent and validation see through git: the same, too.
    for (const args of [
      ['status', '--porcelain', '--ignored'],
      ['rev-parse', 'HEAD'],
      ['stash', 'list'],
    ]) {
      expect(runGit(second.path, args)).toBe(runGit(fresh.path, args));
    }
    expect(runGit(second.path, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe(`maestro/${runId}/tasks/two`);
    const admin = runGit(second.path, ['rev-parse', '--absolute-git-dir']);
    await expect(lstat(join(admin, 'MERGE_HEAD'))).rejects.toThrow();
    // The previous task's work stays on its branch (until `clean`); the user's dependencies are intact.
    expect(runGit(repo, ['show', `maestro/${runId}/tasks/one:src/new.ts`])).toBe(
      'added by the previous task',
    );
    expect(await readFile(join(repo, 'node_modules/dep/index.js'), 'utf8')).toBe('dep\n');
  });

  it('makes a new worktree only when none is free or about to be freed, and keeps a conflicted one', async () => {
    const { repo, base, pool } = await setup();
    const [a, b] = await Promise.all([pool.acquire('a', base), pool.acquire('b', base)]);
    await Promise.all([a.ready, b.ready]);
    const releaseA = pool.hold(a);
    const releaseB = pool.hold(b);
    // Two tasks wait for the two worktrees being landed; a third waiter would have made a new one.
    const c = pool.acquire('c', base);
    const d = pool.acquire('d', base);
    await releaseB('kept');
    const dWorktree = await d;
    await releaseA('merged');
    const cWorktree = await c;
    await Promise.all([cWorktree.ready, dWorktree.ready]);
    const paths = runGit(repo, ['worktree', 'list', '--porcelain'])
      .split('\n')
      .filter((line) => line.startsWith('worktree '))
      .map((line) => line.slice('worktree '.length));
    // a's folder became c's; b's stays for review; d got a new one.
    expect(paths.sort()).toEqual([repo, b.path, cWorktree.path, dWorktree.path].sort());
    expect(await lstat(a.path).catch(() => null)).toBeNull();
    expect(await readFile(join(b.path, 'src/a.ts'), 'utf8')).toBe('a\n');
  });

  it('close removes the free worktrees and only them: git forgets exactly those, branches stay', async () => {
    const { repo, root, base, pool } = await setup(1);
    const [a, b, kept] = await Promise.all(['a', 'b', 'k'].map((id) => pool.acquire(id, base)));
    for (const w of [a, b, kept]) await w?.ready;
    await pool.hold(a!)('merged');
    // Beyond the slots: removed at once.
    await pool.hold(b!)('merged');
    await pool.hold(kept!)('kept');
    await pool.close();
    const listed = runGit(repo, ['worktree', 'list', '--porcelain']);
    expect(listed).toContain(kept!.path);
    expect(listed).not.toContain(a!.path);
    expect(listed).not.toContain(b!.path);
    expect(await readdir(join(await gitCommonDir(repo), 'worktrees'))).toHaveLength(1);
    expect(await readdir(join(root, runId))).toEqual(['k']);
    expect(runGit(repo, ['branch', '--list', `maestro/${runId}/tasks/*`]).split('\n')).toHaveLength(3);
    // The files go too, in a process of their own that the close did not wait for.
    await vi.waitFor(async () => expect(await readdir(trashDir(root))).toEqual([]), { timeout: 20_000 });
  });

  it('makes a worktree whose .git pointer an agent changed afresh, without following the pointer', async () => {
    const { repo, base, pool } = await setup(1);
    const elsewhere = await tempRepo({ 'other.txt': 'not maestro’s\n' });
    const a = await pool.acquire('a', base);
    await a.ready;
    await writeFile(join(a.path, '.git'), `gitdir: ${join(elsewhere, '.git')}\n`);
    await pool.hold(a)('merged');
    const b = await pool.acquire('b', base);
    await b.ready;
    expect(await readFile(join(b.path, 'src/a.ts'), 'utf8')).toBe('a\n');
    expect(runGit(elsewhere, ['branch', '--list'])).toBe('* main');
    expect(runGit(elsewhere, ['status', '--porcelain'])).toBe('');
    await pool.close();
    expect(runGit(repo, ['worktree', 'list', '--porcelain'])).toContain(b.path);
  });

  it('hands a retried task its own worktree back, not a recycled one', async () => {
    const { base, pool } = await setup();
    const a = await pool.acquire('a', base);
    await a.ready;
    await writeFile(join(a.path, 'work.txt'), 'in progress\n');
    const b = await pool.acquire('b', base);
    await b.ready;
    await pool.hold(b)('merged');
    const again = await pool.acquire('a', base);
    expect(again).toMatchObject({ path: a.path, reused: true });
    expect(await readFile(join(again.path, 'work.txt'), 'utf8')).toBe('in progress\n');
  });

  it('gives a task that comes back after its worktree was given back (a worker’s) its own fresh worktree, never the freed one', async () => {
    const { repo, base, pool } = await setup();
    const first = await pool.acquire('one', base);
    await first.ready;
    await writeFiles(first.path, { 'src/one.ts': 'one\n' });
    runGit(first.path, ['add', 'src']);
    runGit(first.path, ['commit', '-qm', 'one']);
    const pushed = runGit(first.path, ['rev-parse', 'HEAD']);
    // A worker pushed the work, then gave the worktree back detached, its local branch gone.
    runGit(first.path, ['checkout', '-q', '--detach']);
    runGit(repo, ['branch', '-D', first.branch]);
    await pool.hold(first)('merged');
    // Retried on this worker: the branch comes back from the remote with what was pushed.
    runGit(repo, ['branch', first.branch, pushed]);
    await pool.noteBranch('one');
    const again = await pool.acquire('one', base);
    await again.ready;
    expect(again.path).toBe(first.path);
    expect(runGit(again.path, ['rev-parse', 'HEAD'])).toBe(pushed);
    const other = await pool.acquire('two', base);
    await other.ready;
    expect(other.path).not.toBe(again.path);
    expect(runGit(again.path, ['rev-parse', 'HEAD'])).toBe(pushed);
    expect(await readFile(join(again.path, 'src/one.ts'), 'utf8')).toBe('one\n');
    await pool.close();
  });

  it('lends a committed task’s worktree to a waiting task before its landing, and makes no new one', async () => {
    const { repo, base, pool } = await setup(1, true);
    const { waiting, landA } = await aCommittedWhileBWaits(pool, base);
    // b has a's folder while a still waits to merge.
    const b = await waiting;
    await b.ready;
    expect(runGit(b.path, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe(`maestro/${runId}/tasks/b`);
    expect(await readFile(join(b.path, 'src/a.ts'), 'utf8')).toBe('a\n');
    await landA('merged');
    const listed = runGit(repo, ['worktree', 'list', '--porcelain']).split('\n');
    expect(listed.filter((line) => line.startsWith('worktree '))).toEqual([
      `worktree ${repo}`,
      `worktree ${b.path}`,
    ]);
  });

  it('checks a lent worktree’s task out again at its own path when it is kept (conflicted)', async () => {
    const { repo, base, pool } = await setup(1, true);
    const { a, head, waiting, landA } = await aCommittedWhileBWaits(pool, base);
    const b = await waiting;
    await landA('kept');
    await b.ready;
    // a is back where the review, `s` and `resume` look: its branch, its work, set up as new.
    expect(runGit(a.path, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe(`maestro/${runId}/tasks/a`);
    expect(runGit(a.path, ['rev-parse', 'HEAD'])).toBe(head);
    // The dependency link is untracked (`node_modules/` ignores folders only), as in a new worktree.
    expect(runGit(a.path, ['status', '--porcelain'])).toBe('?? node_modules');
    expect(await readFile(join(a.path, 'src/a.ts'), 'utf8')).toBe('a, done\n');
    expect(await readFile(join(a.path, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(await readlink(join(a.path, 'node_modules'))).toBe(join(repo, 'node_modules'));
    // b, in the lent folder, is untouched by it.
    expect(b.path).not.toBe(a.path);
    expect(runGit(b.path, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe(`maestro/${runId}/tasks/b`);
    expect(await readFile(join(b.path, 'src/a.ts'), 'utf8')).toBe('a\n');
    // A retry of a finds it there.
    const again = await pool.acquire('a', base);
    expect(again).toMatchObject({ path: a.path, reused: true });
  });

  it('does not lend a worktree that holds files its commits left out; it waits for the landing', async () => {
    const { base, pool } = await setup(1, true);
    const a = await pool.acquire('a', base);
    await a.ready;
    let taken = false;
    const waiting = pool.acquire('b', base).then((worktree) => {
      taken = true;
      return worktree;
    });
    const landA = pool.hold(a, false);
    // A third task gets a new worktree (two wait, one is held); b still waits for a's.
    const c = await pool.acquire('c', base);
    await c.ready;
    expect(taken).toBe(false);
    await landA('merged');
    const b = await waiting;
    await b.ready;
    expect(b.path).toBe(join(a.path, '..', 'b'));
    await pool.close();
  });
});
