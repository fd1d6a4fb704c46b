import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { simpleGit } from 'simple-git';
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

/** Read-only porcelain questions via simple-git; refuses repos maestro cannot work on. */
export async function inspectRepo(cwd: string): Promise<RepoInfo> {
  const sg = simpleGit({ baseDir: cwd, config: ['core.quotePath=false'] });
  const version = await sg.version();
  if (!version.installed) throw new RepoError('git was not found on PATH: install git 2.38 or newer.');
  const patch = typeof version.patch === 'number' ? version.patch : parseInt(version.patch, 10) || 0;
  const gitVersion = { major: version.major, minor: version.minor, patch };
  if (!versionAtLeast(gitVersion, minimumGit)) {
    throw new RepoError(
      `git ${version.major}.${version.minor} is too old: maestro needs git 2.38 or newer for in-memory merges.`,
    );
  }
  if (!(await sg.checkIsRepo())) {
    throw new RepoError(`${cwd} is not inside a git repository: run maestro from a repository.`);
  }
  const bare = (await sg.revparse(['--is-bare-repository'])).trim() === 'true';
  if (bare) throw new RepoError(`${cwd} is a bare repository: run maestro from a working tree.`);
  const toplevel = await realpath((await sg.revparse(['--show-toplevel'])).trim());
  const commonDir = await realpath(
    (await sg.revparse(['--path-format=absolute', '--git-common-dir'])).trim(),
  );
  const commit = await sg.revparse(['--verify', '--quiet', 'HEAD^{commit}']).catch(() => '');
  if (commit.trim() === '') {
    throw new RepoError(
      `The repository at ${toplevel} has no commits yet: make a first commit, then run again.`,
    );
  }
  const symbolic = await sg.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '');
  const key = `${basename(toplevel)}-${createHash('sha1').update(toplevel).digest('hex').slice(0, 8)}`;
  return {
    toplevel,
    commonDir,
    gitVersion,
    head: { commit: commit.trim(), branch: symbolic.trim() || null },
    key,
  };
}

/** The commit a ref, tag or id names; a clear error when it names nothing. */
export async function resolveCommit(repo: string, ref: string): Promise<string> {
  const sg = simpleGit({ baseDir: repo });
  const commit = await sg
    .revparse(['--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
    .catch(() => '');
  // A range (`main..main`) or other multi-revision syntax prints several lines: not one commit.
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(commit.trim())) {
    throw new RepoError(
      `"${ref}" does not name one commit in this repository: pass a branch, tag or commit id.`,
    );
  }
  return commit.trim();
}

export function versionAtLeast(
  version: { major: number; minor: number },
  wanted: { major: number; minor: number },
): boolean {
  return version.major > wanted.major || (version.major === wanted.major && version.minor >= wanted.minor);
}
