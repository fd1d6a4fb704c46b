import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';
import { snapshotWorktree } from '../../src/git/snapshot.js';
import { recordIncludedFiles } from '../../src/git/snapshot-exclude.js';
import { copyIncludedFiles } from '../../src/git/worktree-include.js';
import { secretFileCheck } from '../../src/agent/secret-files.js';

const ids = { runId: 'r1', taskId: 't1', agentId: 'agent-1', message: 'work' };

async function setup() {
  const repo = await tempRepo({ '.gitignore': '.env\n', 'a.txt': 'a\n' });
  await writeFile(join(repo, '.env'), 'OPENAI_API_KEY=sk-planted-0123456789abcdef\n');
  const path = join(await tempDir('maestro-wt-'), 'task');
  runGit(repo, ['worktree', 'add', '-q', '-b', 'maestro/r1/tasks/t1', path, 'HEAD']);
  await recordIncludedFiles(path, await copyIncludedFiles(repo, path, ['.env']));
  return { repo, path };
}

const committedFiles = (path: string): string[] =>
  runGit(path, ['ls-tree', '-r', '--name-only', 'HEAD']).trim().split('\n');

describe('what a snapshot commit leaves out', () => {
  it('never commits a worktreeInclude copy, even after .gitignore stops ignoring it', async () => {
    const { path } = await setup();
    await writeFile(join(path, '.gitignore'), '# nothing ignored now\n');
    await writeFile(join(path, 'b.txt'), 'b\n');
    const result = await snapshotWorktree({ ...ids, worktree: path, leaveOut: {} });
    expect(result.committed).toBe(true);
    expect(committedFiles(path)).toEqual(['.gitignore', 'a.txt', 'b.txt']);
    expect(result.leftOut).toEqual([{ path: '.env', reason: 'included' }]);
    // A later snapshot of the same worktree (a fix round) still leaves it out.
    await writeFile(join(path, 'c.txt'), 'c\n');
    const again = await snapshotWorktree({ ...ids, worktree: path, leaveOut: {} });
    expect(again.leftOut).toEqual([{ path: '.env', reason: 'included' }]);
    expect(committedFiles(path)).not.toContain('.env');
  });

  it('leaves out new secret files unless allowed, and files over the size limit unless LFS or allowed', async () => {
    const { path } = await setup();
    await writeFile(join(path, 'id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----\n');
    await writeFile(join(path, '.env.test'), 'X=1\n');
    await writeFile(join(path, '.gitattributes'), 'assets/*.bin filter=lfs diff=lfs merge=lfs -text\n');
    for (const name of ['big.bin', 'assets/video.bin', 'data/allowed.bin']) await writeBig(join(path, name));
    const result = await snapshotWorktree({
      ...ids,
      worktree: path,
      leaveOut: {
        maxFileBytes: 1_000_000,
        allowLargeFiles: ['data/**'],
        isSecretFile: secretFileCheck(['.env.test']),
      },
    });
    expect(committedFiles(path).sort()).toEqual(
      ['.env.test', '.gitattributes', '.gitignore', 'a.txt', 'assets/video.bin', 'data/allowed.bin'].sort(),
    );
    expect(result.leftOut).toEqual([
      { path: 'id_rsa', reason: 'secret' },
      { path: 'big.bin', reason: 'large', bytes: 2_000_000 },
    ]);
  });
});

async function writeBig(file: string): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, '');
  // Sparse: two million bytes without writing them.
  await truncate(file, 2_000_000);
}
