import { realSandbox } from '../helpers/sandbox.js';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { scrubEnv } from '../../src/agent/env.js';
import { startToolHost, type ToolHost } from '../../src/agent/host/client.js';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';
export { isAlive } from '../helpers/processes.js';

/** A real repository plus a linked worktree for task `t1` (outside the repository, like maestro makes). */
export async function tempWorktree(
  files: Record<string, string>,
): Promise<{ repo: string; worktree: string }> {
  const repo = await tempRepo(files);
  const worktree = join(await tempDir('maestro-wt-'), 't1');
  runGit(repo, ['worktree', 'add', '-q', '-b', 'maestro/run/tasks/t1', worktree]);
  return { repo, worktree };
}

const hosts: ToolHost[] = [];
afterEach(async () => {
  while (hosts.length > 0) await hosts.pop()?.close();
});

export async function hostFor(
  worktree: string,
  options: {
    allowedCommands?: string[];
    commandTimeoutMs?: number;
    maxWriteBytes?: number;
    allowSecretFiles?: string[];
    allowEnv?: string[];
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<ToolHost> {
  // A worktree that is not there gets no sandbox (the host refuses to start anyway).
  const confinement = existsSync(worktree)
    ? await (await realSandbox(worktree)).confinement(worktree)
    : ({ kind: 'unconfined' } as const);
  const host = await startToolHost({
    worktree,
    excludePaths: ['node_modules/**', 'dist/**'],
    allowedCommands: options.allowedCommands ?? [],
    commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
    maxWriteBytes: options.maxWriteBytes ?? 5_000_000,
    allowSecretFiles: options.allowSecretFiles ?? [],
    env: scrubEnv(options.env ?? process.env, options.allowEnv ?? []),
    confinement,
  });
  hosts.push(host);
  return host;
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Host processes whose command line contains `marker`. A sandboxed command lives in its own PID
 * namespace: the pids it sees are not the host's, so tests find its processes by a marker.
 */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}
