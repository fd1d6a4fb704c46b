import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempRepo } from '../../test/helpers/repo.js';
import { WatchLimitError, WorktreeWatcher, type FilesChanged } from './worktree-watcher.js';

const watchers: WorktreeWatcher[] = [];
afterEach(async () => {
  while (watchers.length > 0) await watchers.pop()?.close();
});

async function watched(files: Record<string, string>, excludePaths: string[] = [], debounceMs = 50) {
  const root = await tempRepo(files);
  const batches: FilesChanged[] = [];
  const watcher = new WorktreeWatcher({
    taskId: 'api',
    root,
    excludePaths,
    debounceMs,
    maxWaitMs: 5000,
    onChange: (event) => batches.push(event),
  });
  watchers.push(watcher);
  await watcher.start();
  return { root, batches, watcher };
}

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
    const dirs = Object.keys(
      (watcher as unknown as { watcher: { getWatched(): Record<string, string[]> } }).watcher.getWatched(),
    );
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

  it('explains a full kernel watch table with the fix', () => {
    const error = new WatchLimitError('/wt/api', Object.assign(new Error('watch'), { code: 'ENOSPC' }));
    expect(error.message).toContain('fs.inotify.max_user_watches');
    expect(error.message).toContain('excludePaths');
  });
});
