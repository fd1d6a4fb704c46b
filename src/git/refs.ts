import { UsageError } from '../errors.js';
import { git } from './runner.js';

/**
 * Names of everything maestro creates in a repository. Branches of one run live under
 * `maestro/<runId>/`, so a run's refs are found (and only its refs are removed) by prefix.
 */
const safeId = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Throw unless `id` can be one component of a ref name and a folder name. */
export function assertSafeId(what: 'run' | 'task', id: string): void {
  if (!safeId.test(id) || id.includes('..') || id.endsWith('.lock') || id.endsWith('.') || id.length > 100) {
    throw new UsageError(
      `The ${what} id "${id}" cannot name a git branch: use letters, digits, ".", "_" and "-" only.`,
    );
  }
}

export function runBranchPrefix(runId: string): string {
  return `maestro/${runId}/`;
}

export function taskBranch(runId: string, taskId: string): string {
  assertSafeId('run', runId);
  assertSafeId('task', taskId);
  return `maestro/${runId}/tasks/${taskId}`;
}

export function resultBranch(runId: string): string {
  assertSafeId('run', runId);
  return `maestro/${runId}/result`;
}

/** `{runId, taskId}` when `branch` (short name or refs/heads/...) is a task branch of maestro. */
export function parseTaskBranch(branch: string): { runId: string; taskId: string } | null {
  const match = /^(?:refs\/heads\/)?maestro\/([^/]+)\/tasks\/([^/]+)$/.exec(branch);
  if (!match?.[1] || !match[2]) return null;
  return { runId: match[1], taskId: match[2] };
}

export function headsRef(branch: string): string {
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
}

/** The all-zero object id: "this ref must not exist yet" for update-ref. */
export const zeroOid = '0000000000000000000000000000000000000000';

/**
 * git cannot have both `maestro` and `maestro/...` as branches (one is a file where the other
 * needs a folder). A user branch that blocks this run's refs is found before anything is written.
 */
export async function assertRunRefsFree(repo: string, runId: string): Promise<void> {
  const blockers = ['maestro', `maestro/${runId}`];
  for (const name of blockers) {
    const found = await git(['show-ref', '--verify', '--quiet', `refs/heads/${name}`], {
      cwd: repo,
      okExitCodes: [1],
    });
    if (found.exitCode === 0) {
      throw new UsageError(
        `your branch "${name}" blocks maestro's branches (maestro/${runId}/…): rename it, e.g. git branch -m ${name} ${name}-old`,
      );
    }
  }
}
