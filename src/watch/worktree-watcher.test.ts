import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGit, tempRepo } from '../../test/helpers/repo.js';
import { WalkGate } from './walk-gate.js';
import { WatchLimitError, WorktreeWatcher, type FilesChanged } from './worktree-watcher.js';

const watchers: WorktreeWatcher[] = [];
afterEach(async () => {
  while (watchers.length > 0) await watchers.pop()?.close();
});

async function watched(
  files: Record<string, string>,
  excludePaths: string[] = [],
  debounceMs = 50,
  walks?: WalkGate,
) {
  const root = await tempRepo(files);
  const batches: FilesChanged[] = [];
  const watcher = new WorktreeWatcher({
    taskId: 'api',
    root,
    excludePaths,
    debounceMs,
    maxWaitMs: 5000,
    walks,
    onChange: (event) => batches.push(event),
  });
  watchers.push(watcher);
  await watcher.start();
  return { root, batches, watcher };
}

/** The folders watched, relative to the root, without the root itself. */
const watchedDirs = (watcher: WorktreeWatcher): string[] =>
  watcher.watchedFolders().filter((dir) => dir !== '');

const paths = (batches: FilesChanged[]): string[] =>
  [...new Set(batches.flatMap((batch) => batch.files.map((file) => file.path)))].sort();

describe('worktree watcher', () => {
  it('reports changes debounced into one batch, as agent.files_changed bodies', async () => {
    const { root, batches } = await watched({ 'src/index.ts': 'x\n', '.gitignore': 'out/\n' }, [], 1000);
    await writeFile(join(root, 'src/index.ts'), 'changed\n');
    await writeFile(join(root, 'src/new.ts'), 'new\n');
    await rm(join(root, '.gitignore'));
    await vi.waitFor(() => expect(batches.flatMap((batch) => batch.files)).toHaveLength(3), {
      timeout: 5000,
    });
    expect(batches).toHaveLength(1);
    expect(batches[0]?.type).toBe('agent.files_changed');
    expect(batches[0]?.taskId).toBe('api');
    expect(new Set(batches[0]?.files)).toEqual(
      new Set([
        { path: 'src/index.ts', kind: 'change' },
        { path: 'src/new.ts', kind: 'add' },
        { path: '.gitignore', kind: 'unlink' },
      ]),
    );
  });

  it('never watches .git, excluded paths or gitignored folders', async () => {
    const { root, batches, watcher } = await watched(
      {
        '.gitignore': 'generated/\n*.log\n',
        'generated/a.txt': 'a\n',
        'dist/bundle.js': 'b\n',
        'node_modules/pkg/index.js': 'c\n',
        'src/keep.ts': 'k\n',
      },
      ['dist/**', 'node_modules/**'],
    );
    const dirs = watchedDirs(watcher);
    expect(dirs).toContain('src');
    expect(dirs.some((dir) => /generated|dist|node_modules|\.git(\/|$)/.test(dir))).toBe(false);
    await writeFile(join(root, 'generated/a.txt'), 'changed\n');
    await writeFile(join(root, 'dist/bundle.js'), 'changed\n');
    await mkdir(join(root, 'node_modules/other'), { recursive: true });
    await writeFile(join(root, 'debug.log'), 'log\n');
    await writeFile(join(root, '.git/description'), 'touched\n');
    await writeFile(join(root, 'src/keep.ts'), 'changed\n');
    await vi.waitFor(
      () =>
        expect(batches.flatMap((batch) => batch.files)).toContainEqual({
          path: 'src/keep.ts',
          kind: 'change',
        }),
      { timeout: 5000 },
    );
    expect(batches.flatMap((batch) => batch.files.map((file) => file.path))).toEqual(['src/keep.ts']);
  });

  it('honours nested .gitignore files relative to their folder: folders, anchors, negations', async () => {
    const { root, batches, watcher } = await watched({
      '.gitignore': '*.log\n',
      'packages/web/.gitignore': 'dist/\n/out\n!important.log\n',
      'packages/web/src/app.ts': 'a\n',
      'packages/web/dist/bundle.js': 'b\n',
      'packages/web/dist/chunks/1.js': 'c\n',
      'packages/web/out/page.html': 'd\n',
      'packages/api/src/index.ts': 'e\n',
    });
    const dirs = watchedDirs(watcher);
    expect(dirs).toEqual(expect.arrayContaining(['packages/web/src', 'packages/api/src']));
    expect(dirs.filter((dir) => /dist|out/.test(dir))).toEqual([]);

    await writeFile(join(root, 'packages/web/dist/bundle.js'), 'rebuilt\n');
    await mkdir(join(root, 'packages/web/dist/more'));
    await writeFile(join(root, 'packages/web/dist/more/2.js'), 'new\n');
    await writeFile(join(root, 'packages/web/out/page.html'), 'rebuilt\n');
    await writeFile(join(root, 'packages/web/debug.log'), 'log\n');
    // Not ignored: `/out` is anchored to packages/web, `dist/` is not at packages/api's level, a negation.
    await mkdir(join(root, 'packages/web/src/out'));
    await writeFile(join(root, 'packages/web/src/out/view.ts'), 'v\n');
    await mkdir(join(root, 'packages/api/out'));
    await writeFile(join(root, 'packages/api/out/x.ts'), 'x\n');
    await writeFile(join(root, 'packages/web/important.log'), 'keep\n');
    await writeFile(join(root, 'packages/web/src/app.ts'), 'changed\n');
    const expected = [
      'packages/api/out/x.ts',
      'packages/web/important.log',
      'packages/web/src/app.ts',
      'packages/web/src/out/view.ts',
    ];
    await vi.waitFor(() => expect(paths(batches)).toEqual(expected), { timeout: 5000 });
    expect(watchedDirs(watcher).filter((dir) => dir.includes('dist'))).toEqual([]);
  });

  it('follows a .gitignore the agent adds, edits or deletes', async () => {
    const { root, batches, watcher } = await watched({
      'packages/api/src/index.ts': 'a\n',
      'packages/api/build/old.js': 'b\n',
    });
    expect(watchedDirs(watcher)).toContain('packages/api/build');
    const reported = (path: string) =>
      vi.waitFor(() => expect(paths(batches)).toContain(path), { timeout: 5000 });

    await writeFile(join(root, 'packages/api/.gitignore'), 'build/\ncache/\n');
    await reported('packages/api/.gitignore');
    expect(watchedDirs(watcher)).not.toContain('packages/api/build');
    batches.length = 0;
    await writeFile(join(root, 'packages/api/build/old.js'), 'rebuilt\n');
    await writeFile(join(root, 'packages/api/build/new.js'), 'new\n');
    await mkdir(join(root, 'packages/api/cache'));
    await writeFile(join(root, 'packages/api/cache/entry'), 'c\n');
    await writeFile(join(root, 'packages/api/src/index.ts'), 'changed\n');
    await reported('packages/api/src/index.ts');
    expect(paths(batches)).toEqual(['packages/api/src/index.ts']);
    expect(watchedDirs(watcher).filter((dir) => /build|cache/.test(dir))).toEqual([]);

    // Edited so build/ is no longer ignored: the folder is watched again, cache/ still is not.
    batches.length = 0;
    await writeFile(join(root, 'packages/api/.gitignore'), 'cache/\n');
    await reported('packages/api/.gitignore');
    await vi.waitFor(() => expect(watchedDirs(watcher)).toContain('packages/api/build'), {
      timeout: 5000,
    });
    await writeFile(join(root, 'packages/api/build/old.js'), 'again\n');
    await writeFile(join(root, 'packages/api/cache/entry'), 'again\n');
    await reported('packages/api/build/old.js');
    await writeFile(join(root, 'packages/api/src/index.ts'), 'last\n');
    await reported('packages/api/src/index.ts');
    expect(paths(batches)).toEqual([
      'packages/api/.gitignore',
      'packages/api/build/old.js',
      'packages/api/src/index.ts',
    ]);

    // Deleted: nothing in packages/api is ignored any more.
    batches.length = 0;
    await rm(join(root, 'packages/api/.gitignore'));
    await reported('packages/api/.gitignore');
    await vi.waitFor(() => expect(watchedDirs(watcher)).toContain('packages/api/cache'), {
      timeout: 5000,
    });
    await writeFile(join(root, 'packages/api/cache/entry'), 'seen\n');
    await reported('packages/api/cache/entry');
  });

  it('reports files in folders the agent makes, deep ones too, and the files of folders it removes or moves', async () => {
    const { root, batches } = await watched({
      'src/a.ts': 'a\n',
      'src/lib/b.ts': 'b\n',
      'docs/guide/readme.md': 'r\n',
    });
    await mkdir(join(root, 'new/deep/er'), { recursive: true });
    await writeFile(join(root, 'new/deep/er/c.ts'), 'c\n');
    await writeFile(join(root, 'new/top.ts'), 't\n');
    await rm(join(root, 'src/lib'), { recursive: true });
    await rename(join(root, 'docs'), join(root, 'archive'));
    // An atomic save: a temporary file renamed over the original.
    await writeFile(join(root, 'src/.a.ts.tmp'), 'saved\n');
    await rename(join(root, 'src/.a.ts.tmp'), join(root, 'src/a.ts'));
    const expected = new Map([
      ['archive/guide/readme.md', 'add'],
      ['docs/guide/readme.md', 'unlink'],
      ['new/deep/er/c.ts', 'add'],
      ['new/top.ts', 'add'],
      ['src/a.ts', 'change'],
      ['src/lib/b.ts', 'unlink'],
    ]);
    await vi.waitFor(() => expect(paths(batches)).toEqual([...expected.keys()]), { timeout: 5000 });
    for (const file of batches.flatMap((batch) => batch.files))
      expect(file.kind).toBe(expected.get(file.path));
  });

  it('watches a folder made while the worktree is walked, and one removed and made again', async () => {
    // Enough folders that the walk takes several batches.
    const tree = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [`pkg/m${i}/sub/file.ts`, `${i}\n`] as const),
    );
    const root = await tempRepo({ ...tree, 'src/lib/b.ts': 'b\n' });
    const batches: FilesChanged[] = [];
    const watcher = new WorktreeWatcher({
      taskId: 'api',
      root,
      debounceMs: 50,
      maxWaitMs: 5000,
      onChange: (event) => batches.push(event),
    });
    watchers.push(watcher);
    const starting = watcher.start();
    // Once the root is watched (the walk goes on below it), a folder is made in it.
    await vi.waitFor(() => expect(watcher.watchedFolders()).toContain(''), { timeout: 5000, interval: 1 });
    await mkdir(join(root, 'made/inner'), { recursive: true });
    await writeFile(join(root, 'made/inner/early.ts'), 'e\n');
    await starting;
    await writeFile(join(root, 'made/inner/late.ts'), 'l\n');
    await vi.waitFor(() => expect(paths(batches)).toContain('made/inner/late.ts'), { timeout: 5000 });

    batches.length = 0;
    // In one go, so the folder is there again when its removal is looked at.
    rmSync(join(root, 'src/lib'), { recursive: true });
    mkdirSync(join(root, 'src/lib'));
    writeFileSync(join(root, 'src/lib/n.ts'), 'n\n');
    await vi.waitFor(
      () => expect(batches.flatMap((b) => b.files)).toContainEqual({ path: 'src/lib/n.ts', kind: 'add' }),
      {
        timeout: 5000,
      },
    );
    batches.length = 0;
    await writeFile(join(root, 'src/lib/n.ts'), 'n2\n');
    await mkdir(join(root, 'src/lib/deeper'));
    await writeFile(join(root, 'src/lib/deeper/d.ts'), 'd\n');
    await vi.waitFor(
      () =>
        expect(new Set(batches.flatMap((b) => b.files))).toEqual(
          new Set([
            { path: 'src/lib/n.ts', kind: 'change' },
            { path: 'src/lib/deeper/d.ts', kind: 'add' },
          ]),
        ),
      { timeout: 5000 },
    );
  });

  it('tells added from changed from removed across batches', async () => {
    const { root, batches } = await watched({ 'src/a.ts': 'a\n' });
    const next = async (path: string, kind: string) => {
      await vi.waitFor(() => expect(batches.at(-1)?.files).toEqual([{ path, kind }]), { timeout: 5000 });
      batches.length = 0;
    };
    await writeFile(join(root, 'src/a.ts'), 'once\n');
    await next('src/a.ts', 'change');
    await writeFile(join(root, 'src/a.ts'), 'twice\n');
    await next('src/a.ts', 'change');
    await writeFile(join(root, 'src/n.ts'), 'n\n');
    await next('src/n.ts', 'add');
    await writeFile(join(root, 'src/n.ts'), 'n2\n');
    await next('src/n.ts', 'change');
    await rm(join(root, 'src/n.ts'));
    await next('src/n.ts', 'unlink');
    await rm(join(root, 'src/a.ts'));
    await next('src/a.ts', 'unlink');
    await writeFile(join(root, 'src/a.ts'), 'back\n');
    await next('src/a.ts', 'add');
    // Committed before the batch went out (as a snapshot commit does): still new to this worktree.
    await writeFile(join(root, 'src/c.ts'), 'c\n');
    runGit(root, ['add', '-A']);
    runGit(root, ['commit', '-q', '-m', 'snapshot']);
    await next('src/c.ts', 'add');
  });

  it('walks one worktree at a time through a shared gate, and a watcher closed early frees its turn', async () => {
    const walks = new WalkGate(1);
    const first = await tempRepo({ 'a.txt': 'a\n' });
    const early = new WorktreeWatcher({ taskId: 'early', root: first, walks, onChange: () => undefined });
    const starting = early.start();
    await early.close();
    await starting;
    const { root, batches } = await watched({ 'b.txt': 'b\n' }, [], 50, walks);
    await writeFile(join(root, 'b.txt'), 'changed\n');
    await vi.waitFor(() => expect(paths(batches)).toEqual(['b.txt']), { timeout: 5000 });
  });

  it('explains a full kernel watch table with the fix', () => {
    const error = new WatchLimitError('/wt/api', Object.assign(new Error('watch'), { code: 'ENOSPC' }));
    expect(error.message).toContain('fs.inotify.max_user_watches');
    expect(error.message).toContain('excludePaths');
  });
});
