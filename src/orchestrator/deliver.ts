import { execa } from 'execa';
import { git, gitLine } from '../git/runner.js';
import { MaestroError } from '../errors.js';

/**
 * What happens to the result branch at the end of a run, when the user asks: check it out, push it,
 * open a pull request. Each step says clearly why it could not be done; none deletes anything.
 */
export interface DeliverOptions {
  root: string;
  branch: string;
  /** Branch the run started from, used as the pull request's base when it is a branch name. */
  baseRef: string;
  title: string;
  body: string;
  /** Environment for the gh calls (PATH decides which gh runs); defaults to this process's. */
  env?: NodeJS.ProcessEnv;
}

/** Switch the user's checkout to the result branch, only when no tracked file has changes. */
export async function checkoutResult(options: DeliverOptions): Promise<string> {
  const status = await git(['status', '--porcelain', '--untracked-files=no'], { cwd: options.root });
  if (status.stdout.trim() !== '') {
    throw new MaestroError(
      `not switching to ${options.branch}: your working tree has uncommitted changes; commit or stash them, then run git switch ${options.branch}`,
    );
  }
  await git(['switch', options.branch], { cwd: options.root });
  return `switched to ${options.branch}`;
}

/** Push the result branch to the remote ('origin' when there is one) and set its upstream. */
export async function pushResult(options: DeliverOptions): Promise<{ remote: string; message: string }> {
  const remotes = (await git(['remote'], { cwd: options.root })).stdout.split('\n').filter(Boolean);
  const remote = remotes.includes('origin') ? 'origin' : remotes[0];
  if (!remote) {
    throw new MaestroError(
      `cannot push ${options.branch}: this repository has no remote; add one with git remote add origin <url>`,
    );
  }
  await git(['push', '--set-upstream', remote, `${options.branch}:${options.branch}`], {
    cwd: options.root,
    // A push authenticates: credential helpers may read tokens from the environment (GH_TOKEN).
    env: options.env ?? process.env,
    timeoutMs: 300_000,
  });
  return { remote, message: `pushed ${options.branch} to ${remote}` };
}

/** Open a pull request with the GitHub CLI; pushes first. */
export async function openPullRequest(options: DeliverOptions): Promise<string> {
  const env = options.env ?? process.env;
  const version = await execa('gh', ['--version'], { reject: false, env, extendEnv: false });
  if (version.failed && version.exitCode === undefined) {
    throw new MaestroError(
      `cannot open a pull request: the GitHub CLI (gh) is not installed; install it and run gh auth login, or open one for ${options.branch} by hand`,
    );
  }
  const auth = await execa('gh', ['auth', 'status'], {
    cwd: options.root,
    reject: false,
    env,
    extendEnv: false,
  });
  if (auth.exitCode !== 0) {
    throw new MaestroError(
      'cannot open a pull request: gh is not logged in; run gh auth login and try maestro run again with --pr',
    );
  }
  await pushResult(options);
  const base = await isBranch(options.root, options.baseRef);
  const created = await execa(
    'gh',
    [
      'pr',
      'create',
      '--head',
      options.branch,
      ...(base ? ['--base', options.baseRef] : []),
      '--title',
      options.title,
      '--body',
      options.body,
    ],
    { cwd: options.root, reject: false, env, extendEnv: false },
  );
  if (created.exitCode !== 0) {
    throw new MaestroError(
      `gh pr create failed: ${String(created.stderr).trim().split('\n')[0] ?? 'no output'}`,
    );
  }
  return `opened ${String(created.stdout).trim()}`;
}

async function isBranch(root: string, ref: string): Promise<boolean> {
  try {
    await gitLine(['rev-parse', '--verify', '--quiet', `refs/heads/${ref}`], { cwd: root });
    return true;
  } catch {
    return false;
  }
}
