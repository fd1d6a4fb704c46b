import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { git, gitLine } from './runner.js';
import { RepoError } from '../errors.js';

/** What maestro needs to know about the user's repository, read once at start. */
export interface RepoInfo {
  /** Absolute, symlink-free top level of the working tree. */
  toplevel: string;
  /** The common git dir shared by all worktrees (run state lives under it). */
  commonDir: string;
  gitVersion: { major: number; minor: number; patch: number };
  /** The commit HEAD points at and its branch, or `null` for a detached HEAD. */
  head: { commit: string; branch: string | null };
  /** `<folder name>-<8 hex of the toplevel path>`: names this repository's worktree folder. */
  key: string;
}

export const minimumGit = { major: 2, minor: 38 } as const;

/** `git --version` as numbers; null when git is not there. */
export async function gitVersion(
  cwd: string,
): Promise<{ major: number; minor: number; patch: number } | null> {
  const out = await gitLine(['--version'], { cwd }).catch(() => null);
  const match = out === null ? null : /(\d+)\.(\d+)(?:\.(\d+))?/.exec(out);
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

/** Read-only questions through the one git runner (no hooks, no fsmonitor); refuses repos maestro cannot work on. */
export async function inspectRepo(cwd: string): Promise<RepoInfo> {
  const version = await gitVersion(cwd);
  if (version === null) throw new RepoError('git was not found on PATH: install git 2.38 or newer.');
  if (!versionAtLeast(version, minimumGit)) {
    throw new RepoError(
      `git ${version.major}.${version.minor} is too old: maestro needs git 2.38 or newer for in-memory merges.`,
    );
  }
  const inside = await git(['rev-parse', '--is-inside-work-tree', '--is-bare-repository'], {
    cwd,
    okExitCodes: [128],
  }).catch(() => null);
  if (inside === null || inside.exitCode !== 0) {
    throw new RepoError(`${cwd} is not inside a git repository: run maestro from a repository.`);
  }
  if (inside.stdout.split('\n')[1]?.trim() === 'true') {
    throw new RepoError(`${cwd} is a bare repository: run maestro from a working tree.`);
  }
  if (inside.stdout.split('\n')[0]?.trim() !== 'true') {
    throw new RepoError(`${cwd} is inside a .git folder: run maestro from a working tree.`);
  }
  const toplevel = await realpath(await gitLine(['rev-parse', '--show-toplevel'], { cwd }));
  const commonDir = await realpath(
    await gitLine(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd }),
  );
  const commit = (
    await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd, okExitCodes: [1, 128] })
  ).stdout.trim();
  if (commit === '') {
    throw new RepoError(
      `The repository at ${toplevel} has no commits yet: make a first commit, then run again.`,
    );
  }
  const symbolic = (
    await git(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, okExitCodes: [1, 128] })
  ).stdout.trim();
  const key = `${basename(toplevel)}-${createHash('sha1').update(toplevel).digest('hex').slice(0, 8)}`;
  return {
    toplevel,
    commonDir,
    gitVersion: version,
    head: { commit, branch: symbolic || null },
    key,
  };
}

/** The commit a ref, tag or id names; a clear error when it names nothing. */
export async function resolveCommit(repo: string, ref: string): Promise<string> {
  const commit = (
    await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
      cwd: repo,
      okExitCodes: [1, 128],
    })
  ).stdout.trim();
  // A range (`main..main`) or other multi-revision syntax prints several lines: not one commit.
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(commit)) {
    throw new RepoError(
      `"${ref}" does not name one commit in this repository: pass a branch, tag or commit id.`,
    );
  }
  return commit;
}

export function versionAtLeast(
  version: { major: number; minor: number },
  wanted: { major: number; minor: number },
): boolean {
  return version.major > wanted.major || (version.major === wanted.major && version.minor >= wanted.minor);
}
