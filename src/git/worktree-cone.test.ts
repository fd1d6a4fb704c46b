import { describe, expect, it } from 'vitest';
import { coneCovers, coneOf, conePathspecs } from './worktree-cone.js';

describe('coneOf', () => {
  it.each([
    [
      ['src/a.ts', 'src/b/c.ts', 'lib/x.js'],
      ['lib', 'src'],
    ],
    [
      ['src/**/*.ts', 'test/unit/*.test.ts'],
      ['src', 'test/unit'],
    ],
    [['./docs/guide.md', 'README.md', '*.md'], ['docs']],
    [['a/b?/c', 'a/b/d'], ['a']],
    [[], []],
  ])('%j -> %j', (files, folders) => {
    expect(coneOf(files)?.folders).toEqual(folders);
  });

  it.each([['**/*.ts'], ['src*/a.ts'], ['{src,lib}/a.ts'], ['pkg[12]/a.ts']])(
    '%s could be anywhere: no cone',
    (file) => {
      expect(coneOf(['src/a.ts', file])).toBeNull();
    },
  );
});

describe('coneCovers', () => {
  const cone = { folders: ['src', 'docs/api'] };
  it.each([
    ['src/a.ts', true],
    ['./src/deep/b.ts', true],
    ['README.md', true],
    ['docs/api/x.md', true],
    ['docs/other.md', false],
    ['srcx/a.ts', false],
    ['src/../lib/a.ts', false],
    ['', false],
  ])('%s: %s', (path, covered) => {
    expect(coneCovers(cone, path)).toBe(covered);
  });

  it('names folders literally for git, top-level files by glob', () => {
    expect(conePathspecs({ folders: ['a[1]'] })).toEqual([':(literal)a[1]/', ':(glob)*']);
  });
});
