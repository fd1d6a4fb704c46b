import { describe, expect, it } from 'vitest';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';
import { snapshotWorktree } from '../../src/git/snapshot.js';

describe('a repository an agent creates inside its worktree (#14 item 3)', () => {
  it('is committed as its files, never as a gitlink to a commit that exists nowhere else', async () => {
    const repo = await tempRepo({ 'a.txt': 'a\n' });
    const worktree = join(await tempDir('maestro-wt-'), 'task');
    runGit(repo, ['worktree', 'add', '-q', '-b', 'maestro/r1/tasks/t1', worktree, 'HEAD']);
    const nested = join(worktree, 'vendor', 'x');
    await mkdir(nested, { recursive: true });
    runGit(nested, ['init', '-q']);
    await writeFile(join(nested, 'lib.js'), 'export const x = 1;\n');
    await writeFile(join(nested, 'build.sh'), 'echo build\n');
    await chmod(join(nested, 'build.sh'), 0o755);
    await writeFile(join(nested, '.gitignore'), 'cache/\n');
    await mkdir(join(nested, 'cache'));
    await writeFile(join(nested, 'cache', 'junk'), 'ignored\n');
    runGit(nested, ['-c', 'user.name=a', '-c', 'user.email=a@b', 'add', 'lib.js']);
    runGit(nested, ['-c', 'user.name=a', '-c', 'user.email=a@b', 'commit', '-qm', 'nested']);
    await writeFile(join(nested, 'untracked.txt'), 'also kept\n');

    const snap = await snapshotWorktree({ worktree, runId: 'r1', taskId: 't1', agentId: 'a', message: 'm' });
    if (!snap.committed) throw new Error('expected a commit');
    const tree = runGit(repo, ['ls-tree', '-r', snap.commit]);
    expect(tree).not.toContain('160000');
    expect(runGit(repo, ['show', `${snap.commit}:vendor/x/lib.js`])).toBe('export const x = 1;');
    expect(runGit(repo, ['show', `${snap.commit}:vendor/x/untracked.txt`])).toBe('also kept');
    expect(tree).toMatch(/100755 blob \S+\tvendor\/x\/build\.sh/);
    expect(tree).not.toContain('cache/junk');
    expect(tree).not.toMatch(/vendor\/x\/\.git\//);
    expect(tree).toContain('vendor/x/.gitignore');
  });
});
