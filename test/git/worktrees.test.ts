import { realSandbox } from '../helpers/sandbox.js';
import { lstat, mkdir, readFile, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { commitAll, runGit, tempDir, tempRepo, writeFiles } from '../helpers/repo.js';
import { createWorktree, createWorktrees, type ReadyWorktree } from '../../src/git/worktree-create.js';
import { WorktreeSetupError } from '../../src/git/worktree-deps.js';
import { listWorktrees } from '../../src/git/worktree-list.js';
import { captureUserTree, expectUserTreeUntouched } from './user-tree.js';

async function fixture(
  files: Record<string, string> = { 'README.md': '# r\n', 'dïr/ñame.txt': 'unicode\n' },
) {
  const repo = await tempRepo(files);
  const root = await tempDir('maestro-wts-');
  const base = runGit(repo, ['rev-parse', 'HEAD']);
  return { repo, root, base, options: { repo, runId: 'r1', root, pid: 4242 } };
}

/** `setup` as a run passes it: confined by the real sandbox, scrubbed environment. */
async function confined(repo: string, root: string, command: string, timeoutSeconds = 30) {
  return {
    command,
    timeoutSeconds,
    sandbox: await realSandbox(repo, root),
    env: { PATH: process.env.PATH ?? '' },
  };
}

describe('createWorktrees', () => {
  it('creates locked task worktrees outside the repo, each reported ready on its own', async () => {
    const { repo, root, base, options } = await fixture();
    // A dirty user tree and a detached HEAD are fine: tasks start from a commit.
    await writeFiles(repo, { 'README.md': 'edited by the user\n', 'scratch.txt': 'untracked\n' });
    runGit(repo, ['checkout', '-q', '--detach']);
    const before = await captureUserTree(repo);
    const seen: ReadyWorktree[] = [];
    const batch = await createWorktrees(
      ['a', 'b', 'c'].map((taskId) => ({ taskId, commit: base })),
      options,
      { onReady: (worktree) => seen.push(worktree) },
    );
    expect(batch.failed).toEqual([]);
    expect(seen.map((worktree) => worktree.taskId).sort()).toEqual(['a', 'b', 'c']);
    const a = seen.find((worktree) => worktree.taskId === 'a')!;
    expect(a).toMatchObject({ branch: 'maestro/r1/tasks/a', path: join(root, 'r1', 'a'), commit: base });
    expect(await readFile(join(a.path, 'dïr', 'ñame.txt'), 'utf8')).toBe('unicode\n');
    expect(await readFile(join(a.path, 'README.md'), 'utf8')).toBe('# r\n');
    expect(runGit(a.path, ['status', '--porcelain'])).toBe('');
    const listed = (await listWorktrees(repo)).find((entry) => entry.path === a.path);
    expect(listed).toMatchObject({
      branch: 'maestro/r1/tasks/a',
      locked: true,
      lockReason: 'maestro pid=4242 run=r1',
    });
    await expectUserTreeUntouched(repo, before);
  });

  it('reports a failing task without holding back the others', async () => {
    const { base, options } = await fixture();
    const batch = await createWorktrees(
      [
        { taskId: 'ok', commit: base },
        { taskId: 'bad', commit: 'f'.repeat(40) },
      ],
      options,
    );
    expect(batch.ready.map((worktree) => worktree.taskId)).toEqual(['ok']);
    expect(batch.failed.map((failure) => failure.taskId)).toEqual(['bad']);
  });

  it('copies ignored files named by .worktreeinclude, never over tracked files or through symlinks', async () => {
    const { repo, base, options } = await fixture({
      '.gitignore': '.env\nsecrets/\n*.local\nlink.env\nlinkdir\n',
      '.worktreeinclude': '.env\nsecrets/\n*.local\nlink.env\nlinkdir/\nplain.txt\n',
      'README.md': '# r\n',
    });
    await writeFiles(repo, { 'tracked.local': 'committed\n' });
    runGit(repo, ['add', '-f', 'tracked.local']);
    runGit(repo, ['commit', '-q', '-m', 'tracked local']);
    const commit = runGit(repo, ['rev-parse', 'HEAD']);
    await writeFiles(repo, {
      '.env': 'SECRET=1\n',
      'secrets/deep/key.pem': 'key\n',
      'tracked.local': 'user edit, must not be copied\n',
      'other.local': 'copied via config-free pattern\n',
      'plain.txt': 'untracked but not ignored\n',
      'outside/x.env': 'x\n',
    });
    await symlink(join(repo, '.env'), join(repo, 'link.env'));
    await symlink(join(repo, 'outside'), join(repo, 'linkdir'));
    const before = await captureUserTree(repo);
    const worktree = await createWorktree({ taskId: 't', commit }, options);
    expect(worktree.copied.sort()).toEqual(['.env', 'other.local', 'secrets/deep/key.pem']);
    expect(await readFile(join(worktree.path, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(await readFile(join(worktree.path, 'tracked.local'), 'utf8')).toBe('committed\n');
    await expect(lstat(join(worktree.path, 'plain.txt'))).rejects.toThrow();
    await expect(lstat(join(worktree.path, 'link.env'))).rejects.toThrow();
    expect(runGit(worktree.path, ['status', '--porcelain'])).toBe('');
    expect(base).not.toBe(commit);
    await expectUserTreeUntouched(repo, before);
  });

  it('links dependency folders only when the lockfile is identical, then runs setup', async () => {
    const { repo, root, options } = await fixture({
      'package-lock.json': '{"v":1}\n',
      '.gitignore': 'node_modules/\n',
    });
    const v1 = runGit(repo, ['rev-parse', 'HEAD']);
    await writeFiles(repo, { 'package-lock.json': '{"v":2}\n' });
    const v2 = commitAll(repo, 'lock v2');
    await mkdir(join(repo, 'node_modules', 'left-pad'), { recursive: true });
    const rules = [{ dir: 'node_modules', lockfile: 'package-lock.json' }];
    const batch = await createWorktrees(
      [
        { taskId: 'same', commit: v2 },
        { taskId: 'older', commit: v1 },
      ],
      {
        ...options,
        linkDependencies: rules,
        setup: await confined(repo, root, 'echo ready > .git-setup-ran'),
      },
    );
    const same = batch.ready.find((worktree) => worktree.taskId === 'same')!;
    const older = batch.ready.find((worktree) => worktree.taskId === 'older')!;
    expect(same.linked).toEqual(['node_modules']);
    expect(await readlink(join(same.path, 'node_modules'))).toBe(join(repo, 'node_modules'));
    expect(older.linked).toEqual([]);
    await expect(lstat(join(older.path, 'node_modules'))).rejects.toThrow();
    expect(await readFile(join(same.path, '.git-setup-ran'), 'utf8')).toBe('ready\n');
    expect(same.setup?.command).toBe('echo ready > .git-setup-ran');
  });

  it('fails a worktree whose setup command fails or times out, with a clear error', async () => {
    const { repo, root, base, options } = await fixture();
    const failed = await createWorktree(
      { taskId: 'f', commit: base },
      { ...options, setup: await confined(repo, root, 'echo broken >&2; exit 3') },
    ).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorktreeSetupError);
    expect((failed as Error).message).toMatch(/failed with exit 3 \(broken\)/);
    const slow = await createWorktree(
      { taskId: 's', commit: base },
      { ...options, setup: await confined(repo, root, 'sleep 5', 0.2) },
    ).catch((e: unknown) => e);
    expect((slow as Error).message).toMatch(/took longer than 0.2s/);
  });

  it('checks out LFS pointers when git-lfs is missing, and initialises submodules', async () => {
    const sub = await tempRepo({ 'lib.txt': 'from submodule\n' });
    const { repo, options } = await fixture({
      '.gitattributes': '*.bin filter=lfs diff=lfs merge=lfs -text\n',
      'big.bin': 'version https://git-lfs.github.com/spec/v1\n',
    });
    runGit(repo, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'vendor/sub']);
    const commit = commitAll(repo, 'add submodule');
    runGit(repo, ['config', 'filter.lfs.process', 'git-lfs filter-process']);
    runGit(repo, ['config', 'filter.lfs.required', 'true']);
    const lfsInstalled = (() => {
      try {
        runGit(repo, ['lfs', 'version']);
        return true;
      } catch {
        return false;
      }
    })();
    // git refuses local-path submodules unless the user allows the file transport: reported, not thrown.
    const refused = await createWorktree({ taskId: 'refused', commit }, options);
    expect(refused.submodules).toMatchObject({
      state: 'failed',
      message: expect.stringContaining("transport 'file' not allowed"),
    });
    vi.stubEnv('GIT_CONFIG_COUNT', '1');
    vi.stubEnv('GIT_CONFIG_KEY_0', 'protocol.file.allow');
    vi.stubEnv('GIT_CONFIG_VALUE_0', 'always');
    const worktree = await createWorktree({ taskId: 'lfs', commit }, options);
    vi.unstubAllEnvs();
    expect(worktree.lfs).toBe(lfsInstalled ? 'none' : 'skipped');
    expect(worktree.submodules).toEqual({ state: 'initialised' });
    expect(await readFile(join(worktree.path, 'vendor', 'sub', 'lib.txt'), 'utf8')).toBe('from submodule\n');
    expect(await readFile(join(worktree.path, 'big.bin'), 'utf8')).toContain('git-lfs');
  });
});

describe('worktree paths', () => {
  it('refuses ids that cannot name a branch', async () => {
    const { base, options } = await fixture();
    await expect(createWorktree({ taskId: '../escape', commit: base }, options)).rejects.toThrow(
      /cannot name a git branch/,
    );
  });
});
