import { readFile } from 'node:fs/promises';
import { resolve, relative, isAbsolute } from 'node:path';
import { globMatcher, listTrackedFiles } from '../orchestrator/repo-files.js';
import type { MaestroConfig } from '../config/schema.js';
import type { TemplateContext } from './api.js';
import { runForAgent, type Confiner } from '../sandbox/run.js';
import { scrubEnv } from '../agent/env.js';

export async function createTemplateContext(
  root: string,
  config: MaestroConfig,
  objective: string,
  /** Programs a template runs see the repository as agents see their worktree: confined, scrubbed, offline. */
  sandbox: () => Promise<Confiner>,
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
      const env = scrubEnv(
        process.env,
        { allowEnv: config.allowEnv },
        { CI: '1', FORCE_COLOR: '0', NO_COLOR: '1' },
      );
      const stdout: string[] = [];
      const stderr: string[] = [];
      const result = await runForAgent(await sandbox(), root, command, args, {
        env,
        timeoutMs: options?.timeoutMs ?? 120_000,
        headChars: 0,
        tailChars: 0,
        onOutput: (chunk, stream) => (stream === 'stdout' ? stdout : stderr).push(chunk),
      });
      return {
        stdout: stdout.join(''),
        stderr: stderr.join('') + (result.spawnError ?? ''),
        exitCode: result.exitCode,
      };
    },
  };
}
