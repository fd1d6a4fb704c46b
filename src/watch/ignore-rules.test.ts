import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepo, writeFiles } from '../../test/helpers/repo.js';
import { git } from '../git/runner.js';
import { loadWorktreeIgnores, rebaseIgnoreLine, WorktreeIgnores } from './ignore-rules.js';

const gitignores = {
  '.gitignore': 'build/\n*.log\n',
  'packages/web/.gitignore': 'dist/\n/out\ncache/tmp\n!build/\n!important.log\n**/deep\n',
  'packages/api/.gitignore': 'gen\n',
  'packages/[x]/.gitignore': 'a*\n',
  'packages/ts/.gitignore': '*\n!*/\n!*.ts\n!.gitignore\n',
};

// [path, is a folder, ignored]
const cases: [string, boolean, boolean][] = [
  ['build', true, true],
  ['build/a.js', false, true],
  ['packages/api/build', true, true], // a root pattern without a slash matches at any depth
  ['packages/web/build', true, false], // a nested negation re-includes a folder the root ignores
  ['packages/web/build/a.js', false, false],
  ['packages/web/dist', true, true],
  ['packages/web/dist/x.js', false, true],
  ['packages/web/src/dist/x.js', false, true], // relative to its folder, at any depth below it
  ['packages/web/lib/dist', false, false], // a trailing slash matches folders only
  ['packages/dist', true, false], // a nested pattern does not reach outside its folder
  ['packages/web/out', true, true], // a leading slash anchors to the .gitignore's folder
  ['packages/web/src/out', true, false],
  ['packages/web/cache/tmp', false, true], // so does a slash in the middle
  ['packages/web/src/cache/tmp', false, false],
  ['packages/web/q/deep/z.js', false, true],
  ['debug.log', false, true],
  ['packages/web/debug.log', false, true],
  ['packages/web/important.log', false, false],
  ['packages/api/important.log', false, true],
  ['packages/api/gen', true, true],
  ['packages/gen', true, false],
  ['packages/[x]/abc', false, true], // glob characters in a folder's name are literal
  ['packages/x/abc', false, false],
  ['packages/ts/r.ts', false, false],
  ['packages/ts/r.js', false, true],
  ['packages/ts/d/r.ts', false, false],
  ['packages/ts/d/r.js', false, true],
];

describe('worktree ignore rules', () => {
  it('rebases a nested .gitignore line onto the root', () => {
    expect(
      [
        ['dist/', 'web'],
        ['/out', 'web'],
        ['a/b', 'web'],
        ['**/deep', 'web'],
        ['!keep.txt', 'web'],
        ['\\#hash', 'web'],
        ['bar/ ', 'web'],
        ['# comment', 'web'],
        ['', 'web'],
        ['*.js', 'a[1]'],
        ['dist/', ''],
      ].map(([line, folder]) => rebaseIgnoreLine(line ?? '', folder ?? '')),
    ).toEqual([
      'web/**/dist/',
      'web/out',
      'web/a/b',
      'web/**/deep',
      '!web/**/keep.txt',
      'web/**/#hash',
      'web/**/bar/ ',
      undefined,
      undefined,
      'a\\[1]/**/*.js',
      'dist/',
    ]);
  });

  it('decides like git check-ignore, with every .gitignore found by git ls-files', async () => {
    const root = await tempRepo({ ...gitignores, 'packages/web/src/app.ts': 'x\n' });
    for (const [path, isDir] of cases) {
      if (isDir) await mkdir(join(root, path), { recursive: true });
      else await writeFiles(root, { [path]: '' });
    }
    const asked = cases.map(([path, isDir]) => (isDir ? `${path}/` : path));
    const answer = await git(['check-ignore', '--no-index', '-z', '--stdin'], {
      cwd: root,
      input: asked.join('\0') + '\0',
      okExitCodes: [1],
    });
    const byGit = new Set(answer.stdout.split('\0'));
    const ignores = await loadWorktreeIgnores(root, []);
    const expected = cases.map(([path, , ignored]) => [path, ignored]);
    expect(cases.map(([path], index) => [path, byGit.has(asked[index] ?? '')])).toEqual(expected);
    expect(cases.map(([path, isDir]) => [path, ignores.ignores(path, isDir)])).toEqual(expected);
  });

  it('finds an untracked .gitignore and follows one that changes', async () => {
    const root = await tempRepo({ 'src/app.ts': 'x\n' });
    await mkdir(join(root, 'tools'));
    await writeFile(join(root, 'tools/.gitignore'), 'tmp/\n');
    const ignores = await loadWorktreeIgnores(root, ['vendor/**']);
    expect(ignores.ignores('tools/tmp', true)).toBe(true);
    expect(ignores.ignores('vendor', undefined)).toBe(true);
    expect(ignores.setFile('tools', 'tmp/\n')).toBe(false);
    expect(ignores.setFile('tools', undefined)).toBe(true);
    expect(ignores.ignores('tools/tmp', true)).toBe(false);
    expect(ignores.setFile('src/lib', '*.gen.ts\n')).toBe(true);
    expect(ignores.ignores('src/lib/a.gen.ts', false)).toBe(true);
    expect(ignores.ignores('src/a.gen.ts', false)).toBe(false);
  });

  it('keeps .git ignored whatever a .gitignore negates', () => {
    const ignores = new WorktreeIgnores('', [], [['', '!.git\n!.git/\n']]);
    expect(ignores.ignores('.git', true)).toBe(true);
    expect(ignores.ignores('.git/config', false)).toBe(true);
  });
});
