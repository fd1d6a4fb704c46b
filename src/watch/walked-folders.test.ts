import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WalkedFolders } from './walked-folders.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

describe('walked folders', () => {
  it('watches every folder below the root but skipped ones, a batch at a time, and drops a folder with those inside it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'maestro-walked-'));
    const folders = ['a', 'a/b', 'a/b/c', 'd', 'd/e', 'skip', 'skip/inner', 'f', 'g', 'h'];
    for (const folder of folders) await mkdir(join(root, folder), { recursive: true });
    await writeFile(join(root, 'a/b/file.ts'), 'x\n');
    const named: string[] = [];
    const asked: string[] = [];
    const walked = new WalkedFolders({
      root,
      skips: (rel) => (asked.push(rel), rel === 'skip'),
      onRaw: (_event, name, details) =>
        named.push(`${(details as { watchedPath: string }).watchedPath.slice(root.length)}/${name ?? ''}`),
      onError: (error) => {
        throw error;
      },
      foldersPerWatcher: 2,
    });
    cleanups.push(
      () => walked.close(),
      () => rm(root, { recursive: true, force: true }),
    );
    await walked.add(['']);
    expect(walked.watchedFolders().sort()).toEqual(['', 'a', 'a/b', 'a/b/c', 'd', 'd/e', 'f', 'g', 'h']);
    // Found in chokidar's listing of its parent, never entered.
    expect(asked).toContain('skip');
    expect(asked).not.toContain('skip/inner');

    await writeFile(join(root, 'a/b/file.ts'), 'changed\n');
    await vi.waitFor(() => expect(named).toContain('/a/b/file.ts'), { timeout: 5000 });
    walked.drop('a');
    expect(walked.watchedFolders().sort()).toEqual(['', 'd', 'd/e', 'f', 'g', 'h']);
    named.length = 0;
    await writeFile(join(root, 'a/b/file.ts'), 'again\n');
    await writeFile(join(root, 'd/e/other.ts'), 'o\n');
    await vi.waitFor(() => expect(named).toContain('/d/e/other.ts'), { timeout: 5000 });
    expect(named.filter((name) => name.startsWith('/a/'))).toEqual([]);
  });
});
