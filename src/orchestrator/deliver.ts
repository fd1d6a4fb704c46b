import { execa } from 'execa';
import { git, gitLine } from '../git/runner.js';
import { retryAdminRace } from '../git/worktree-admin-lock.js';
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

/**
 * `--checkout`, `--push` and `--pr` checked before the first agent starts, so a run is not spent
 * to learn that the tree is dirty, there is no remote or gh is missing. Checked again at the end.
 */
export async function checkDelivery(
  root: string,
  wanted: { checkout?: boolean; push?: boolean; pr?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const branch = 'the result branch';
  if (wanted.checkout) await assertCleanTree(root, branch, 'run again (or leave out --checkout)');
  if (wanted.push || wanted.pr) await pushRemote(root, branch);
  if (wanted.pr) await assertGhReady(root, env);
}

async function assertCleanTree(root: string, branch: string, next: string): Promise<void> {
  const status = await git(['status', '--porcelain', '--untracked-files=no'], { cwd: root });
  if (status.stdout.trim() !== '') {
    throw new MaestroError(
      `not switching to ${branch}: your working tree has uncommitted changes; commit or stash them, then ${next}`,
    );
  }
}

async function pushRemote(root: string, branch: string): Promise<string> {
  const remotes = (await git(['remote'], { cwd: root })).stdout.split('\n').filter(Boolean);
  const remote = remotes.includes('origin') ? 'origin' : remotes[0];
  if (!remote) {
    throw new MaestroError(
      `cannot push ${branch}: this repository has no remote; add one with git remote add origin <url>`,
    );
  }
  return remote;
}

async function assertGhReady(root: string, env: NodeJS.ProcessEnv): Promise<void> {
  const version = await execa('gh', ['--version'], { reject: false, env, extendEnv: false });
  if (version.failed && version.exitCode === undefined) {
    throw new MaestroError(
      `cannot open a pull request: the GitHub CLI (gh) is not installed; install it and run gh auth login (or leave out --pr)`,
    );
  }
  const auth = await execa('gh', ['auth', 'status'], { cwd: root, reject: false, env, extendEnv: false });
  if (auth.exitCode !== 0) {
    throw new MaestroError(
      'cannot open a pull request: gh is not logged in; run gh auth login and try maestro run again with --pr',
    );
  }
}

/** Switch the user's checkout to the result branch, only when no tracked file has changes. */
export async function checkoutResult(options: DeliverOptions): Promise<string> {
  await assertCleanTree(options.root, options.branch, `run git switch ${options.branch}`);
  // `switch` reads every worktree (is the branch checked out elsewhere?): another run may be adding one.
  await retryAdminRace(() => git(['switch', options.branch], { cwd: options.root }));
  return `switched to ${options.branch}`;
}

/** Push the result branch to the remote ('origin' when there is one) and set its upstream. */
export async function pushResult(options: DeliverOptions): Promise<{ remote: string; message: string }> {
  const remote = await pushRemote(options.root, options.branch);
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
  await assertGhReady(options.root, env);
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
