import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { gitLine } from '../git/runner.js';

/** `<git common dir>`: shared by all worktrees, so every worktree of the repo sees the same runs. */
export async function gitCommonDir(repo: string): Promise<string> {
  return gitLine(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repo });
}

export function runsRoot(commonDir: string): string {
  return join(commonDir, 'maestro', 'runs');
}

export function runDir(commonDir: string, runId: string): string {
  return join(runsRoot(commonDir), runId);
}

export const runIdPattern = /^\d{8}-\d{4}-[0-9a-f]{4}$/;

/** Sortable by start time and ref-safe: `20261124-0130-ab12` (UTC). */
export function newRunId(now: Date = new Date()): string {
  const iso = now.toISOString();
  const date = iso.slice(0, 10).replaceAll('-', '');
  const time = iso.slice(11, 16).replace(':', '');
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}
