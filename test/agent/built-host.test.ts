import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/repo.js';
import { tempWorktree } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** What the host loads at run time (type-only imports vanish in JavaScript). */
const hostRuntime = /^(agent|git|process|sandbox|util)\/|^errors\.ts$/;

/** Emits that part of src/ as plain JavaScript, file for file, the way `npm run build` lays out dist/. */
async function emitJs(outDir: string): Promise<void> {
  const src = join(root, 'src');
  for (const entry of await readdir(src, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || !/\.ts$/.test(entry.name) || /\.test\.ts$/.test(entry.name)) continue;
    if (!hostRuntime.test(relative(src, path))) continue;
    const output = ts.transpileModule(await readFile(path, 'utf8'), {
      fileName: path,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2023,
        verbatimModuleSyntax: true,
      },
    }).outputText;
    const target = join(outDir, relative(src, path)).replace(/\.tsx?$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, output);
  }
}

/** A folder laid out like the package: dist/ (the host's part of it), package.json, node_modules. */
async function builtPackage(): Promise<string> {
  const out = await tempDir('maestro-dist-');
  await emitJs(join(out, 'dist'));
  await writeFile(join(out, 'package.json'), '{"type":"module"}\n');
  await symlink(join(root, 'node_modules'), join(out, 'node_modules'));
  return out;
}

describe('the host entry from built JavaScript', () => {
  it('forks the compiled host (no TypeScript loader) and runs tools in the worktree', async () => {
    const { worktree } = await tempWorktree({ 'a.txt': 'hello\n' });
    const out = await builtPackage();
    const client = pathToFileURL(join(out, 'dist/agent/host/client.js')).href;
    const script = `
      const { startToolHost, hostEntry } = await import(${JSON.stringify(client)});
      const host = await startToolHost({ worktree: ${JSON.stringify(worktree)}, excludePaths: [], allowedCommands: [],
        commandTimeoutMs: 5000, maxWriteBytes: 1000, allowSecretFiles: [], env: { PATH: process.env.PATH } });
      const read = await host.call('read_file', { path: 'a.txt' });
      const escape = await host.call('read_file', { path: '../a.txt' });
      await host.close();
      console.log(JSON.stringify({ entry: hostEntry(), read, escape }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: out,
      env: { PATH: process.env.PATH ?? '' },
    });
    const result = JSON.parse(stdout) as {
      entry: { entry: string; execArgv: string[] };
      read: { ok: boolean; output: string };
      escape: { ok: boolean };
    };
    expect(result.entry).toEqual({ entry: join(out, 'dist/agent/host/main.js'), execArgv: ['--lite-mode'] });
    expect(result.read).toEqual({ ok: true, output: 'a.txt (lines 1-1 of 1)\n1| hello' });
    expect(result.escape.ok).toBe(false);
  });

  it('loads no schema library: arguments arrive checked, and zod was half its start-up CPU', async () => {
    const out = await builtPackage();
    // Records every module the host's entry loads, as the process exits.
    const hook = [
      'import { registerHooks } from "node:module";',
      'const loaded = [];',
      'registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });',
      'process.on("exit", () => process.stdout.write(JSON.stringify(loaded)));',
    ].join('\n');
    const main = pathToFileURL(join(out, 'dist/agent/host/main.js')).href;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(hook)}`,
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(main)});`,
      ],
      { cwd: out, env: { PATH: process.env.PATH ?? '' } },
    );
    const loaded = JSON.parse(stdout) as string[];
    expect(loaded).toContain(pathToFileURL(join(out, 'dist/agent/path-guard.js')).href);
    expect(loaded.filter((url) => url.includes('/node_modules/zod/'))).toEqual([]);
  });
});
