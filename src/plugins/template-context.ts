import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { resolve, relative, isAbsolute } from 'node:path';
import picomatch from 'picomatch';
import { git } from '../git/runner.js';
import type { MaestroConfig } from '../config/schema.js';
import type { TemplateContext } from './api.js';

/** Tracked files of the repository at HEAD's working tree, relative, with `excludePaths` applied. */
export async function trackedFiles(root: string, excludePaths: readonly string[]): Promise<string[]> {
  const listed = await git(['ls-files', '-z', '--cached'], { cwd: root });
  const excluded = picomatch([...excludePaths], { dot: true });
  return listed.stdout.split('\0').filter((file) => file !== '' && !excluded(file));
}

export async function createTemplateContext(
  root: string,
  config: MaestroConfig,
  objective: string,
): Promise<TemplateContext> {
  const files = await trackedFiles(root, config.excludePaths);
  return {
    root,
    objective,
    files,
    config,
    async readFile(path) {
      const full = resolve(root, path);
      const rel = relative(root, full);
      if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${path} is outside the repository`);
      return readFile(full, 'utf8');
    },
    async exec(command, args, options) {
      const result = await execa(command, args, {
        cwd: root,
        reject: false,
        timeout: options?.timeoutMs ?? 120_000,
        env: { CI: '1', FORCE_COLOR: '0', NO_COLOR: '1' },
      });
      return {
        stdout: String(result.stdout),
        stderr: String(result.stderr),
        exitCode: result.exitCode ?? null,
      };
    },
  };
}
