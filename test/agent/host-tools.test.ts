import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../helpers/repo.js';
import { hostFor, tempWorktree } from './helpers.js';

describe('tool host in a real worktree', () => {
  it('lists (respecting .gitignore and excludePaths), reads, writes, edits and searches', async () => {
    const { worktree } = await tempWorktree({
      '.gitignore': 'secret.log\n',
      'src/a.ts': 'export const a = 1;\nexport const b = 2;\n',
      'src/b.ts': 'const x = a;\nconst y = a;\n',
    });
    await writeFiles(worktree, { 'secret.log': 'x', 'node_modules/m/index.js': 'x', 'new.txt': 'hi\n' });
    const host = await hostFor(worktree);

    const listed = await host.call('list_files', {});
    expect(listed.output.split('\n')).toEqual(['.gitignore', 'new.txt', 'src/a.ts', 'src/b.ts']);
    expect((await host.call('list_files', { path: 'src', glob: '*.ts' })).output).toBe('src/a.ts\nsrc/b.ts');

    const read = await host.call('read_file', { path: 'src/a.ts', startLine: 2, endLine: 2 });
    expect(read).toEqual({ ok: true, output: 'src/a.ts (lines 2-2 of 2)\n2| export const b = 2;' });

    const written = await host.call('write_file', { path: 'src/deep/c.ts', content: 'c\n' });
    expect(written.changed).toEqual([{ path: 'src/deep/c.ts', kind: 'add' }]);
    expect(await readFile(join(worktree, 'src/deep/c.ts'), 'utf8')).toBe('c\n');

    const missing = await host.call('edit_file', { path: 'src/b.ts', search: 'zzz', replace: 'q' });
    expect(missing.ok).toBe(false);
    expect(missing.output).toContain('not found in src/b.ts (0 occurrences)');
    const twice = await host.call('edit_file', { path: 'src/b.ts', search: '= a;', replace: '= 2;' });
    expect(twice.output).toContain('not unique in src/b.ts (2 occurrences)');
    const edited = await host.call('edit_file', {
      path: 'src/b.ts',
      search: 'const y = a;',
      replace: 'const y = 3;',
    });
    expect(edited.ok).toBe(true);
    expect(await readFile(join(worktree, 'src/b.ts'), 'utf8')).toBe('const x = a;\nconst y = 3;\n');

    const found = await host.call('search', { pattern: 'const [ab] =' });
    expect(found.output).toBe('src/a.ts:1: export const a = 1;\nsrc/a.ts:2: export const b = 2;');
    const ignored = await host.call('search', { pattern: '^x$' });
    expect(ignored.output).toBe('(no matches)');
  });

  it('refuses binary files and caps long lines', async () => {
    const { worktree } = await tempWorktree({ 'long.txt': `${'y'.repeat(5_000)}\n` });
    await writeFiles(worktree, { 'bin.dat': 'a\0b' });
    const host = await hostFor(worktree);
    const binary = await host.call('read_file', { path: 'bin.dat' });
    expect(binary).toEqual({
      ok: false,
      output: 'bin.dat is a binary file (3 bytes); it cannot be read as text.',
    });
    const long = await host.call('read_file', { path: 'long.txt' });
    expect(long.output).toContain('… [line truncated]');
    expect(long.output.length).toBeLessThan(2_100);
  });

  it('runs only allowed commands and caps their output to head and tail', async () => {
    const { worktree } = await tempWorktree({ 'a.txt': 'a\n' });
    const host = await hostFor(worktree, { allowedCommands: ['seq 1 200000', 'true'] });
    const refused = await host.call('run_command', { command: 'rm -rf a.txt' });
    expect(refused.ok).toBe(false);
    expect(refused.output).toContain('command not allowed');
    const injected = await host.call('run_command', { command: 'true; rm a.txt' });
    expect(injected.ok).toBe(false);
    expect(await readFile(join(worktree, 'a.txt'), 'utf8')).toBe('a\n');
    const big = await host.call('run_command', { command: 'seq 1 200000' });
    expect(big.ok).toBe(true);
    expect(big.output).toMatch(/^\$ seq 1 200000\n\[exit code 0, [\d.]+ s\]\n1\n2\n/);
    expect(big.output).toContain('characters omitted');
    expect(big.output.trimEnd().endsWith('199999\n200000')).toBe(true);
    expect(big.output.length).toBeLessThan(25_000);
  });

  it('uses ripgrep when it is on PATH, with the same ignores as list_files', async () => {
    const { worktree } = await tempWorktree({ 'src/a.ts': 'export const a = 1;\n' });
    const bin = await tempDir('maestro-rg-');
    // A stand-in rg records its arguments and answers like ripgrep does for a folder search.
    await writeFile(
      join(bin, 'rg'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${bin}/args.txt"\nprintf './src/a.ts:1:export const a = 1;\\n'\n`,
    );
    await chmod(join(bin, 'rg'), 0o755);
    const host = await hostFor(worktree, {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
    const found = await host.call('search', { pattern: 'const a', glob: '*.ts', caseSensitive: false });
    expect(found.output).toBe('src/a.ts:1: export const a = 1;');
    const args = (await readFile(join(bin, 'args.txt'), 'utf8')).trim().split('\n');
    expect(args).toEqual([
      '--no-heading',
      '--line-number',
      '--color',
      'never',
      '--no-config',
      '--with-filename',
      '--hidden',
      '--glob',
      '!.git',
      '--glob',
      '!node_modules/**',
      '--glob',
      '!dist/**',
      '--glob',
      '*.ts',
      '--ignore-case',
      '-e',
      'const a',
      '--',
      '.',
    ]);
  });

  it('fails to start, without crashing the caller, when the worktree is missing', async () => {
    const missing = join(await tempDir('maestro-gone-'), 'nope');
    await expect(hostFor(missing)).rejects.toThrow(/could not start in .*nope/);
  });
});
