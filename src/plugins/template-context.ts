import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { resolve, relative, isAbsolute } from 'node:path';
import { globMatcher, listTrackedFiles } from '../orchestrator/repo-files.js';
import type { MaestroConfig } from '../config/schema.js';
import type { TemplateContext } from './api.js';

export async function createTemplateContext(
  root: string,
  config: MaestroConfig,
  objective: string,
): Promise<TemplateContext> {
  const excluded = globMatcher(config.excludePaths);
  const files = (await listTrackedFiles(root)).filter((path) => !excluded(path));
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
