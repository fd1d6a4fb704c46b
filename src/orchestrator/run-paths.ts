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

/** `20261124-013005-ab12` (UTC, to the second); runs made before seconds were added: `20261124-0130-ab12`. */
export const runIdPattern = /^\d{8}-\d{4}(?:\d{2})?-[0-9a-f]{4}$/;

/**
 * Ref-safe and readable. Not the order of runs: two runs can start in the same second, so "the
 * latest run" is decided by the journal's start time (`listRuns`), never by comparing ids.
 */
export function newRunId(now: Date = new Date()): string {
  const iso = now.toISOString();
  const date = iso.slice(0, 10).replaceAll('-', '');
  const time = iso.slice(11, 19).replaceAll(':', '');
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}
