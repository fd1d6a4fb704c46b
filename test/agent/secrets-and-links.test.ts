import { spawn } from 'node:child_process';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeInside } from '../../src/agent/tools/safe-write.js';
import { secretFileCheck } from '../../src/agent/secret-files.js';
import { tempDir } from '../helpers/repo.js';
import { hostFor, sha256, tempWorktree } from './helpers.js';

const key = 'sk-planted-0123456789abcdefghij';

describe('secret files', () => {
  it.each([
    ['.env', true],
    ['app/.env.production', true],
    ['prod.env', true],
    ['deploy/id_ed25519', true],
    ['certs/server.PEM', true],
    ['.npmrc', true],
    ['.aws/credentials', true],
    ['.env.example', false],
    ['config/secrets.sample', false],
    ['src/env.ts', false],
    ['README.md', false],
  ])('%s is a secret file: %s', (path, expected) => {
    expect(secretFileCheck([])(path)).toBe(expected);
  });

  it('refuses read_file, edit_file and search hits of a dotenv file, saying which key allows it', async () => {
    const { worktree } = await tempWorktree({ 'a.ts': 'export const a = 1;\n' });
    await writeFile(join(worktree, '.env'), `OPENAI_API_KEY=${key}\n`);
    await writeFile(join(worktree, '.env.test'), `TEST_KEY=${key}\n`);
    const host = await hostFor(worktree, { allowSecretFiles: ['.env.test'] });
    const read = await host.call('read_file', { path: '.env' });
    expect(read.ok).toBe(false);
    expect(read.output).toContain('"allowSecretFiles": [".env"]');
    expect(read.output).not.toContain(key);
    const edit = await host.call('edit_file', { path: '.env', search: 'OPENAI', replace: 'X' });
    expect(edit).toMatchObject({ ok: false });
    for (const pattern of ['sk-planted', '(?=sk-)sk-planted']) {
      const search = await host.call('search', { pattern });
      expect(search.output).not.toContain('.env:');
      expect(search.output).toContain('.env.test:1:');
    }
    const allowed = await host.call('read_file', { path: '.env.test' });
    expect(allowed.output).toContain(key);
  });
});

describe('symlinks out of the worktree', () => {
  it('search never reads through a committed symlink, with rg or the JavaScript fallback', async () => {
    const outside = await tempDir('maestro-outside-');
    await writeFile(join(outside, 'secret.txt'), `${key}\n`);
    const { worktree } = await tempWorktree({ 'a.ts': 'const x = 1;\n' });
    await symlink(join(outside, 'secret.txt'), join(worktree, 'leak.txt'));
    await symlink(outside, join(worktree, 'leakdir'));
    const host = await hostFor(worktree);
    // A lookahead makes rg refuse the pattern, so the JavaScript search runs.
    for (const pattern of ['sk-planted', '(?=sk)sk-planted', 'sk-planted|(?<=x)y']) {
      const outcome = await host.call('search', { pattern });
      expect(outcome.output).toBe('(no matches)');
    }
  });

  it('a plugin listing files does not walk a symlinked folder', async () => {
    const outside = await tempDir('maestro-outside-');
    await mkdir(join(outside, 'stolen'), { recursive: true });
    await writeFile(join(outside, 'stolen', 'route.ts'), 'x');
    const { worktree } = await tempWorktree({ 'app/api/users/route.ts': 'export {}\n' });
    await symlink(outside, join(worktree, 'app', 'api', 'evil'));
    const plugin = (await import('../../plugins/nextjs-routes/index.js')).default;
    const tool = plugin.tools?.[0];
    const { PathGuard } = await import('../../src/agent/path-guard.js');
    const { listWorktreeFiles, inFolder } = await import('../../src/agent/tools/files.js');
    const guard = await PathGuard.create(worktree);
    const ctx = {
      worktree: guard.root,
      guard,
      excludePaths: [],
      allowedCommands: [],
      commandTimeoutMs: 1000,
      maxWriteBytes: 1000,
      isSecretFile: secretFileCheck([]),
      env: {},
      confinement: { kind: 'unconfined' as const },
    };
    const output = await tool?.handler(
      {},
      {
        worktree: guard.root,
        resolvePath: async (p) => (await guard.resolve(p)).abs,
        listFiles: async (folder) => (await listWorktreeFiles(ctx)).filter(await inFolder(ctx, folder)),
      },
    );
    expect(output).toBe('app/api/users/route.ts');
  });

  it('a folder swapped for a symlink while writes run never lets a byte land outside', async () => {
    const root = await tempDir('maestro-race-');
    const outside = await tempDir('maestro-outside-');
    await mkdir(join(root, 'd'));
    await writeFile(join(root, 'd', 'x.txt'), 'start');
    // Another process swaps d <-> a link to the outside folder as fast as it can.
    const swapper = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); const p = require('path');
         const d = p.join(process.argv[1], 'd'), real = p.join(process.argv[1], 'real');
         const hold = () => { const t = Date.now(); while (Date.now() - t < 2); };
         for (;;) { try { fs.renameSync(d, real); fs.symlinkSync(process.argv[2], d); hold();
           fs.unlinkSync(d); fs.renameSync(real, d); hold(); } catch {} }`,
        root,
        outside,
      ],
      { stdio: 'ignore' },
    );
    try {
      for (let i = 0; i < 400; i++) {
        await writeInside(root, join(root, 'd', 'x.txt'), `write ${i}`).catch(() => undefined);
        await writeInside(root, join(root, 'd', 'new', `n${i}.txt`), 'new').catch(() => undefined);
      }
      expect(await readdir(outside)).toEqual([]);
    } finally {
      swapper.kill('SIGKILL');
    }
  });

  it('refuses a write over maxWriteBytes and leaves the file as it was', async () => {
    const { worktree } = await tempWorktree({ 'a.txt': 'small\n' });
    const host = await hostFor(worktree, { maxWriteBytes: 1_000 });
    const before = sha256(join(worktree, 'a.txt'));
    const big = await host.call('write_file', { path: 'a.txt', content: 'x'.repeat(1_001) });
    expect(big.ok).toBe(false);
    expect(big.output).toContain('agentLimits.maxWriteBytes');
    const edit = await host.call('edit_file', { path: 'a.txt', search: 'small', replace: 'y'.repeat(2_000) });
    expect(edit.ok).toBe(false);
    expect(sha256(join(worktree, 'a.txt'))).toBe(before);
    expect((await host.call('write_file', { path: 'a.txt', content: 'x'.repeat(1_000) })).ok).toBe(true);
  });
});
