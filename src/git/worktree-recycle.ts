import { access, lstat, mkdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { git } from './runner.js';
import { adminDir, CHECKOUT_MARKER, type CheckoutEnv, type WorktreeOptions } from './worktree-create.js';
import { recordIncludedFiles } from './snapshot-exclude.js';
import { copyIncludedFiles } from './worktree-include.js';
import { linkDependencyDirs, runSetup, type DependencyLink, type SetupOutcome } from './worktree-deps.js';
import { trashDir } from './worktree-paths.js';

/**
 * A worktree whose task is merged, switched in place to the next task's base and branch: git
 * rewrites only the files that differ, and everything else the previous task left (untracked,
 * ignored, dependency links, git state) is cleared, so the next agent finds what a fresh worktree
 * would hold. The steps, in order, are safe to repeat: a crash part-way leaves a worktree that
 * `checkoutUnfinished` reports, on a branch whose commits are all in the result branch.
 */
export class NotRecyclableError extends Error {}

export interface SwitchTarget {
  branch: string;
  commit: string;
}

export interface SwitchOptions {
  /** The repository's toplevel: the source of `.worktreeinclude` copies and dependency links. */
  repo: string;
  env: CheckoutEnv;
  /** Include patterns (`includePatterns`). */
  patterns: string[];
  linkDependencies: DependencyLink[];
  /** Config `setup`, confined and scrubbed as for a new worktree (`WorktreeOptions.setup`). */
  setup?: WorktreeOptions['setup'];
  checkoutWorkers: number;
  signal?: AbortSignal;
}

export interface SwitchedWorktree {
  copied: string[];
  linked: string[];
  setup: SetupOutcome | null;
}

/** State an agent's git commands may leave in the worktree's admin folder; a fresh worktree has none. */
const operationState = [
  'MERGE_HEAD',
  'MERGE_MSG',
  'MERGE_MODE',
  'MERGE_RR',
  'AUTO_MERGE',
  'CHERRY_PICK_HEAD',
  'REVERT_HEAD',
  'ORIG_HEAD',
  'FETCH_HEAD',
  'BISECT_LOG',
  'BISECT_START',
  'BISECT_TERMS',
  'BISECT_EXPECTED_REV',
  'BISECT_NAMES',
  'rebase-merge',
  'rebase-apply',
  'sequencer',
  'config.worktree',
  'info/sparse-checkout',
  // The previous task's branch history: a fresh worktree's HEAD log starts with its own branch.
  'logs/HEAD',
];

/** maestro's git calls run no repository hooks and no fsmonitor (a recycle must not run project code). */
const quiet = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false'];

/**
 * A worktree maestro made, with the admin folder read when it was made (before any agent ran in it:
 * the worktree's own `.git` pointer is the agent's to change, so it is checked, never followed).
 */
export interface OwnWorktree {
  path: string;
  admin: string;
}

/** The worktree's admin folder, read now: call it before an agent works in the worktree. */
export async function ownWorktree(path: string): Promise<OwnWorktree> {
  return { path, admin: await adminDir(path) };
}

/** Moves a worktree's folder (same filesystem: a rename) and tells git where it went. */
export async function moveWorktree(worktree: OwnWorktree, to: string): Promise<OwnWorktree> {
  if (worktree.path === to) return worktree;
  const { admin } = worktree;
  await mkdir(dirname(to), { recursive: true });
  await rename(worktree.path, to);
  // What `git worktree move` writes: the admin folder's pointer back to the worktree's `.git`.
  await writeFile(join(admin, 'gitdir'), `${join(to, '.git')}\n`);
  return { path: to, admin };
}

/** Whether the worktree can be switched in place (throws `NotRecyclableError` with why not). */
export async function assertRecyclable({ path, admin }: OwnWorktree): Promise<void> {
  // git would follow a changed pointer into another repository: such a worktree is only removed.
  const pointer = await adminDir(path).catch(() => null);
  if (pointer !== admin) throw new NotRecyclableError('its .git pointer changed');
  // Submodules carry their own checkouts and state: such a worktree is made afresh.
  if (await exists(join(path, '.gitmodules'))) throw new NotRecyclableError('it has submodules');
  // assume-unchanged (lowercase tag) or skip-worktree (S) entries hide changes from checkout and clean.
  const listed = await git([...quiet, 'ls-files', '-v', '-z'], { cwd: path });
  for (const entry of listed.stdout.split('\0')) {
    const tag = entry[0];
    if (tag && (tag === 'S' || (tag >= 'a' && tag <= 'z'))) {
      throw new NotRecyclableError(`the index marks ${entry.slice(2)} as not to be checked`);
    }
  }
}

/** Switches a worktree `assertRecyclable` passed (and no one has worked in since) to `target`. */
export async function switchWorktree(
  worktree: OwnWorktree,
  target: SwitchTarget,
  options: SwitchOptions,
): Promise<SwitchedWorktree> {
  const { path, admin } = worktree;
  await writeFile(join(admin, CHECKOUT_MARKER), `${process.pid}\n`);
  // Links first, by hand: `git clean` must never be the thing that meets the user's node_modules.
  for (const rule of options.linkDependencies) {
    const link = join(path, rule.dir);
    if ((await lstat(link).catch(() => null))?.isSymbolicLink()) await unlink(link);
  }
  await Promise.all(operationState.map((name) => rm(join(admin, name), { recursive: true, force: true })));
  // Every untracked and ignored file, nested repositories included (-ff); tracked files follow below.
  await git([...quiet, 'clean', '-ffdxq'], { cwd: path, signal: options.signal });
  await git(
    [
      ...quiet,
      ...options.env.config,
      '-c',
      `checkout.workers=${options.checkoutWorkers}`,
      'checkout',
      '--force',
      '--quiet',
      '--no-track',
      '-b',
      target.branch,
      target.commit,
    ],
    { cwd: path, env: options.env.env, signal: options.signal },
  );
  const copied = await copyIncludedFiles(options.repo, path, options.patterns);
  // Recorded so no snapshot commits them, whatever .gitignore says by then (as for a new worktree).
  await recordIncludedFiles(path, copied);
  const linked = await linkDependencyDirs(options.repo, path, options.linkDependencies);
  const setup = options.setup ? await runSetup(path, options.setup, options.signal) : null;
  await rm(join(admin, CHECKOUT_MARKER), { force: true });
  return { copied, linked, setup };
}

/**
 * Removes worktrees maestro made and no longer needs (their tasks merged): git forgets exactly
 * these worktrees (their own admin folders, nothing else), the folders move into one folder of
 * the trash (renames) and are deleted from there. The branches stay. Resolves once the files are
 * gone, or with `background` (a run that ends) once one process of its own deletes them all: a
 * slow disk takes a minute for fifty checkouts, which the user's prompt need not wait for.
 */
export async function discardWorktrees(
  root: string,
  worktrees: readonly OwnWorktree[],
  deletion: 'wait' | 'background' = 'wait',
): Promise<void> {
  if (worktrees.length === 0) return;
  const target = join(trashDir(root), `recycled-${randomUUID().slice(0, 8)}`);
  await mkdir(target, { recursive: true });
  // One worktree that cannot move (gone already, or a failed rename) does not keep the others.
  const moved = await Promise.allSettled(
    worktrees.map(async ({ path, admin }, i) => {
      await rename(path, join(target, String(i))).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await rm(admin, { recursive: true, force: true });
    }),
  );
  if (deletion === 'wait' || !(await deleteDetached(target)))
    await rm(target, { recursive: true, force: true });
  const failed = moved.find((m) => m.status === 'rejected');
  if (failed) throw failed.reason;
}

/** `rm -rf` of a folder of maestro's trash in a process that outlives this one; false if it did not start. */
function deleteDetached(folder: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('rm', ['-rf', '--', folder], { detached: true, stdio: 'ignore' });
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
    child.once('error', () => resolve(false));
  });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
