import { git } from './runner.js';
import { retryAdminRace } from './worktree-admin-lock.js';
import { casUpdateBranch, isAncestor, readBranch } from './plumbing.js';
import { headsRef } from './refs.js';

/**
 * Before an agent runs: its worktree's HEAD is detached at the branch tip. In the sandbox the
 * repository's refs are read-only (an agent must not move the user's branches) while the
 * worktree's own admin folder, where a detached HEAD lives, is writable, so the agent's own
 * `git commit` works and `checkTaskHead` brings the commits back onto the task branch.
 */
export async function detachHead(worktree: string, at?: string): Promise<void> {
  // A caller that knows the commit saves a call; update-ref then also checks HEAD is still there.
  const head = at ?? (await git(['rev-parse', '--verify', 'HEAD'], { cwd: worktree })).stdout.trim();
  await git(
    ['update-ref', '--no-deref', '-m', 'maestro: the agent works on a detached HEAD', 'HEAD', head, head],
    { cwd: worktree },
  );
}

export type TaskHeadCheck = { ok: true; head: string } | { ok: false; reason: string };

/**
 * After an agent (and its snapshot), where its worktree's HEAD stands. An external agent can run
 * any git command: `git reset --hard HEAD~2` moves the task branch behind the commit it started
 * from (merging it would report "merged" with nothing in it), `git checkout -b x` or `--detach`
 * leaves the task branch behind. A HEAD that descends from the task branch is brought back onto it
 * (a fast-forward, compare-and-swap); anything else is a task failure that says what happened.
 *
 * `descendant`, when given, is a commit known to descend from `startCommit` (a snapshot made on
 * it): a HEAD still there needs no ancestry check.
 */
export async function checkTaskHead(
  repo: string,
  worktree: string,
  branch: string,
  startCommit: string,
  descendant?: string,
): Promise<TaskHeadCheck> {
  const { head, onBranch, tip } = await readHeads(worktree, branch);
  if (head !== descendant && !(await isAncestor(repo, startCommit, head))) {
    return {
      ok: false,
      reason: `the task's HEAD ${head.slice(0, 8)} is behind the commit it started from (${startCommit.slice(0, 8)}): the agent reset or rewound its branch, so nothing of it is merged`,
    };
  }
  if (onBranch === branch) return { ok: true, head };
  const where = onBranch === null ? 'a detached HEAD' : `branch ${onBranch}`;
  // The usual case, the tip still at the start commit, was answered by the check above.
  if (tip !== null && (tip === startCommit || (await isAncestor(repo, tip, head)))) {
    const moved = await casUpdateBranch(repo, branch, head, tip, `maestro: work the agent left on ${where}`);
    if (moved.ok) {
      // HEAD's commit is the branch's now: pointing HEAD at the branch changes no file or index entry.
      await retryAdminRace(() =>
        git(['symbolic-ref', '-m', 'maestro: back on the task branch', 'HEAD', headsRef(branch)], {
          cwd: worktree,
          okExitCodes: [128],
        }),
      );
      return { ok: true, head };
    }
  }
  return {
    ok: false,
    reason: `the agent left its task branch ${branch} for ${where} with diverging work; nothing of it is merged`,
  };
}

/** The worktree's HEAD commit, the branch HEAD is on (null when detached) and the task branch's tip. */
async function readHeads(worktree: string, branch: string) {
  // One call for the usual case; a task branch that is gone (or an unborn HEAD) takes the long way.
  const read = await git(['rev-parse', 'HEAD', headsRef(branch), '--symbolic-full-name', 'HEAD', '--'], {
    cwd: worktree,
    okExitCodes: [128],
  });
  const [head, tip, name] = read.stdout.split('\n');
  if (read.exitCode === 0 && head && tip && name) return { head, tip, onBranch: shortBranch(name) };
  const verified = (await git(['rev-parse', '--verify', 'HEAD'], { cwd: worktree })).stdout.trim();
  const symbolic = await git(['symbolic-ref', '--quiet', 'HEAD'], { cwd: worktree, okExitCodes: [1] });
  return {
    head: verified,
    tip: await readBranch(worktree, branch),
    onBranch: symbolic.exitCode === 0 ? shortBranch(symbolic.stdout.trim()) : null,
  };
}

function shortBranch(fullName: string): string | null {
  return fullName.startsWith('refs/heads/') ? fullName.slice('refs/heads/'.length) : null;
}
