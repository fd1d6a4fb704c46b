import { link, readdir, symlink, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/repo.js';
import { hostFor, sha256, tempWorktree } from './helpers.js';

describe('path guard through the tool host', () => {
  it('refuses every escape attempt and never touches the sentinel', async () => {
    const { repo, worktree } = await tempWorktree({ 'ok.txt': 'ok\n' });
    const outside = await tempDir('maestro-outside-');
    const sentinel = join(outside, 'sentinel.txt');
    await writeFile(sentinel, 'do not touch\n');
    await mkdir(join(outside, 'dir'));
    const before = sha256(sentinel);
    const repoConfigBefore = sha256(join(repo, '.git', 'config'));

    await symlink(sentinel, join(worktree, 'link-file'));
    await symlink(outside, join(worktree, 'link-dir'));
    await symlink(join(outside, 'not-yet'), join(worktree, 'dangling'));
    await symlink('link-dir', join(worktree, 'chain'));
    await symlink(join(repo, '.git'), join(worktree, 'gitlink'));
    await mkdir(join(worktree, 'sub'));
    await symlink('../link-dir/dir', join(worktree, 'sub', 'nested'));

    const rel = join('..', '..', outside.slice(1), 'sentinel.txt');
    const attempts = [
      '../sentinel.txt',
      rel,
      `sub/../${rel}`,
      sentinel,
      '/etc/passwd',
      '~/sentinel.txt',
      '~',
      'link-file',
      'link-dir/sentinel.txt',
      'link-dir/dir/new.txt',
      'chain/sentinel.txt',
      'dangling',
      'sub/nested/new.txt',
      'ok.txt\0../../sentinel.txt',
      '.git',
      '.git/config',
      './.git/HEAD',
      'sub/.git/x',
      '.GIT/config',
      'gitlink/config',
      'gitlink/hooks/pre-commit',
      'C:\\sentinel.txt',
    ];
    const host = await hostFor(worktree);
    for (const path of attempts) {
      const calls: [Parameters<typeof host.call>[0], Record<string, unknown>][] = [
        ['write_file', { path, content: 'pwned\n' }],
        ['edit_file', { path, search: 'do not touch', replace: 'pwned' }],
        ['read_file', { path }],
        ['list_files', { path }],
        ['search', { pattern: 'touch', path }],
      ];
      for (const [name, args] of calls) {
        const outcome = await host.call(name, args);
        expect({ path, name, ok: outcome.ok }).toEqual({ path, name, ok: false });
        expect(outcome.output).toMatch(/refused/);
        expect(outcome.output).not.toContain('do not touch');
      }
    }

    expect(sha256(sentinel)).toBe(before);
    expect(sha256(join(repo, '.git', 'config'))).toBe(repoConfigBefore);
    expect((await readdir(outside)).sort()).toEqual(['dir', 'sentinel.txt']);
    expect(await readdir(join(outside, 'dir'))).toEqual([]);
    // A hard link into the worktree is replaced on write, never written through.
    await link(sentinel, join(worktree, 'hard'));
    expect((await host.call('write_file', { path: 'hard', content: 'pwned\n' })).ok).toBe(true);
    await link(sentinel, join(worktree, 'hard2'));
    const edit = await host.call('edit_file', { path: 'hard2', search: 'do not', replace: 'pwned' });
    expect(edit.ok).toBe(true);
    expect(sha256(sentinel)).toBe(before);
    // Symlinks that stay inside the worktree still work.
    await symlink('ok.txt', join(worktree, 'inner-link'));
    expect((await host.call('read_file', { path: 'inner-link' })).output).toContain('1| ok');
  });
});
