import { mkdir, symlink } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PathGuard } from '../path-guard.js';
import { checkArguments } from './command-arguments.js';

async function guard(): Promise<PathGuard> {
  const root = mkdtempSync(join(tmpdir(), 'maestro-args-'));
  await mkdir(join(root, 'src'));
  await symlink('/etc', join(root, 'etc-link'));
  return PathGuard.create(root);
}

describe('checkArguments', () => {
  it.each([
    ['git', ['--stat', 'src/a.ts']],
    ['npx', ['--reporter=dot', '-t', 'adds two']],
    ['node', ['--test', './src']],
  ])('%s %j is fine', async (program, extra) => {
    expect(await checkArguments(program, extra, await guard())).toBeNull();
  });

  it.each([
    ['git', ['--output=/tmp/x'], /flag --output/],
    ['git', ['--output-directory', 'x'], /flag --output-directory/],
    ['git', ['--no-index', '/etc/passwd', 'a'], /flag --no-index/],
    ['git', ['-c', 'core.pager=id'], /flag -c/],
    ['npm', ['--prefix', '/'], /flag --prefix/],
    ['npx', ['-c', 'id'], /flag -c/],
    ['node', ['-e', 'process.exit()'], /flag -e/],
    ['npx', ['/etc/passwd'], /outside the worktree/],
    ['npx', ['--config=../../x'], /".." is not allowed/],
    ['npx', ['etc-link/passwd'], /outside the worktree/],
    ['npx', ['.git/config'], /\.git folder/],
    ['npx', ['~/.ssh/id_rsa'], /home-relative/],
  ])('%s %j is refused', async (program, extra, why) => {
    expect(await checkArguments(program, extra, await guard())).toMatch(why);
  });
});
