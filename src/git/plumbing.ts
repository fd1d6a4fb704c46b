import { git, gitLine, GitError } from './runner.js';
import { headsRef, zeroOid } from './refs.js';

/**
 * Small plumbing steps shared by merges and resolutions: read a ref, write a commit object,
 * move a ref with compare-and-swap. None of them touches a worktree or an index.
 */

/** The commit a branch points at, or `null` when the branch does not exist. */
export async function readBranch(repo: string, branch: string): Promise<string | null> {
  const result = await git(['rev-parse', '--verify', '--quiet', `${headsRef(branch)}^{commit}`], {
    cwd: repo,
    okExitCodes: [1],
  });
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/** Author/committer fallback so commits work on machines without `user.name` configured. */
export async function identityEnv(repo: string): Promise<Record<string, string>> {
  const ident = await git(['var', 'GIT_COMMITTER_IDENT'], { cwd: repo, okExitCodes: [128] });
  if (ident.exitCode === 0) return {};
  return {
    GIT_AUTHOR_NAME: 'maestro',
    GIT_AUTHOR_EMAIL: 'maestro@localhost',
    GIT_COMMITTER_NAME: 'maestro',
    GIT_COMMITTER_EMAIL: 'maestro@localhost',
  };
}

/** Write a commit object for `tree` with `parents`; the message goes through stdin. */
export async function commitTree(
  repo: string,
  tree: string,
  parents: string[],
  message: string,
  env: Record<string, string> = {},
): Promise<string> {
  const args = ['commit-tree', tree, ...parents.flatMap((parent) => ['-p', parent])];
  try {
    return await gitLine(args, { cwd: repo, input: message, env });
  } catch (error) {
    // Only a machine without user.name/user.email pays for the identity lookup.
    const fallback = error instanceof GitError ? await identityEnv(repo) : {};
    if (Object.keys(fallback).length === 0) throw error;
    return gitLine(args, { cwd: repo, input: message, env: { ...fallback, ...env } });
  }
}

export type RefUpdate = { ok: true } | { ok: false; actual: string | null };

/**
 * Move `branch` to `next` only if it still points at `expected` (`null`: must not exist yet).
 * A lost race is an answer (`ok: false` with what the branch holds now), not an exception.
 */
export async function casUpdateBranch(
  repo: string,
  branch: string,
  next: string,
  expected: string | null,
  reason: string,
): Promise<RefUpdate> {
  const args = ['-m', reason, headsRef(branch), next, expected ?? zeroOid];
  return compareAndSwap(repo, branch, args, expected);
}

/** Delete `branch` only if it still points at `expected`. */
export async function casDeleteBranch(repo: string, branch: string, expected: string): Promise<RefUpdate> {
  return compareAndSwap(repo, branch, ['-d', headsRef(branch), expected], expected);
}

/** One `update-ref` with an expected old value; a refusal because the branch moved is an answer. */
async function compareAndSwap(
  repo: string,
  branch: string,
  args: string[],
  expected: string | null,
): Promise<RefUpdate> {
  try {
    await git(['update-ref', ...args], { cwd: repo });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const actual = await readBranch(repo, branch);
    if (actual === expected) throw error;
    return { ok: false, actual };
  }
}

/** True when `ancestor` is reachable from `descendant` (merged into it). */
export async function isAncestor(repo: string, ancestor: string, descendant: string): Promise<boolean> {
  const result = await git(['merge-base', '--is-ancestor', ancestor, descendant], {
    cwd: repo,
    okExitCodes: [1],
  });
  return result.exitCode === 0;
}

/** Branches (short names) under a prefix with their commits. */
export async function listBranches(repo: string, prefix: string): Promise<Map<string, string>> {
  const out = await git(['for-each-ref', '--format=%(objectname) %(refname)', `refs/heads/${prefix}`], {
    cwd: repo,
  });
  const branches = new Map<string, string>();
  for (const line of out.stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    branches.set(line.slice(space + 1).replace(/^refs\/heads\//, ''), line.slice(0, space));
  }
  return branches;
}
