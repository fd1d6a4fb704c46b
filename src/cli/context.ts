import envPaths from 'env-paths';
import { join } from 'node:path';
import { resolve } from 'node:path';
import { gitLine, GitError } from '../git/runner.js';
import { RepoError } from '../errors.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { createTrustDecider, type TrustDecider } from '../config/trust.js';

/** Options every command accepts (defined on the root program). */
export interface GlobalOptions {
  config?: string;
  trustConfig?: boolean;
  /** False with `--no-sandbox`. */
  sandbox?: boolean;
}

export interface RepoContext {
  cwd: string;
  /** The working tree's top folder. */
  root: string;
  /** `git rev-parse --git-common-dir`, absolute: run state lives below it. */
  commonDir: string;
}

/** The repository around `cwd`, or a one-line error saying what to do (exit 2). */
export async function findRepo(cwd: string): Promise<RepoContext> {
  try {
    const root = await gitLine(['rev-parse', '--show-toplevel'], { cwd });
    const commonDir = resolve(cwd, await gitLine(['rev-parse', '--git-common-dir'], { cwd }));
    return { cwd, root, commonDir };
  } catch (error) {
    if (error instanceof GitError && error.gitExitCode === undefined) {
      // git never ran: out of file descriptors or processes (`ulimit`), or git missing.
      throw new RepoError(
        `could not run git (${error.stderr.trim().split('\n')[0]}); check ulimit -n / ulimit -u and that git is installed`,
      );
    }
    if (error instanceof GitError && /must be run in a work tree/.test(error.stderr)) {
      throw new RepoError(
        `${cwd} is a bare repository (no working tree): run maestro in a clone or a worktree of it (git worktree add <folder>)`,
      );
    }
    if (error instanceof GitError) {
      throw new RepoError(
        `${cwd} is not inside a git repository; run maestro from your project's folder (or git init first)`,
      );
    }
    throw error;
  }
}

/** The user's data folders for maestro (trust store, default worktrees). */
export function userPaths(): { data: string; config: string } {
  const paths = envPaths('maestro', { suffix: '' });
  return { data: paths.data, config: paths.config };
}

/** Where trust decisions are remembered (path and content hash of each trusted file). */
export function trustStoreFile(): string {
  return join(userPaths().config, 'trusted-configs.json');
}

/** One trust decision for all code from the repository: JS configs and plugin files alike. */
export function repoCodeTrust(options: GlobalOptions): TrustDecider {
  return createTrustDecider({
    trustFlag: options.trustConfig === true,
    storeFile: trustStoreFile(),
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
  });
}

export async function loadRepoConfig(repo: RepoContext, options: GlobalOptions): Promise<LoadedConfig> {
  const trust = repoCodeTrust(options);
  return loadConfig({
    cwd: repo.cwd,
    stopDir: repo.root,
    trust,
    ...(options.config ? { file: resolve(repo.cwd, options.config) } : {}),
  });
}
