import { posix } from 'node:path';
import { git, gitLine, GitError } from './runner.js';
import { parseNumstat } from './diff-stats.js';
import { identityEnv } from './plumbing.js';
import { inlineNestedRepos, stagedChanges } from './nested-repos.js';
import { MaestroError } from '../errors.js';
import { runCommitHooks, type HookRunner } from './commit-hooks.js';

import {
  leftOutOf,
  listChanges,
  type LeaveOutRules,
  type LeftOut,
  type WorktreeChanges,
} from './snapshot-exclude.js';

/** The project's commit hooks refused a snapshot commit; their output is kept for the user. */
export class CommitHookError extends MaestroError {
  readonly output: string;
  constructor(taskId: string, output: string) {
    const first =
      output
        .trim()
        .split('\n')
        .find((line) => line.trim() !== '') ?? 'no output';
    super(
      `The project's commit hook rejected the commit of task ${taskId} (${first}): fix the reported problem or set commitHooks: false.`,
    );
    this.output = output;
  }
}

export interface SnapshotRequest {
  worktree: string;
  runId: string;
  taskId: string;
  agentId: string;
  /** Subject and body; the Maestro-* trailers are appended. */
  message: string;
  /** Extra trailers such as `Maestro-Model` or `Maestro-Cost-Usd`, in order. */
  trailers?: [string, string][];
  /** Run the project's commit hooks (config `commitHooks`) this way: confined, scrubbed. Default: none run. */
  hooks?: { runner: HookRunner; env: Record<string, string> };
  /** Paths never committed, e.g. dependency folders linked into the worktree. */
  exclude?: string[];
  /** Changed files left out (worktreeInclude copies, new secret files, large files); see `leftOutOf`. */
  leaveOut?: LeaveOutRules;
  /** Time limit of the commit itself (default: the git runner's). */
  commitTimeoutMs?: number;
}

export type SnapshotResult = (
  | { committed: true; commit: string; parent: string; files: number; insertions: number; deletions: number }
  | { committed: false; reason: 'no changes'; commit: string }
) & { leftOut: LeftOut[] };

/** Commit every change in an agent's worktree (adds, edits, deletes, renames, modes, binaries). */
export async function snapshotWorktree(request: SnapshotRequest): Promise<SnapshotResult> {
  const cwd = request.worktree;
  // The one walk of the tree: the leave-out rules and the add both work from this listing.
  const changes = await listChanges(cwd);
  const leftOut = request.leaveOut ? await leftOutOf(cwd, changes, request.leaveOut) : [];
  const exclude = [...(request.exclude ?? []), ...leftOut.map((entry) => entry.path)].map(
    (path) => `:(exclude,literal)${path}`,
  );
  await stageListed(cwd, pathsToStage(changes, request.exclude ?? [], leftOut), exclude);
  // A repository the agent made inside its worktree is committed as files, never as a dangling gitlink.
  const staged = await stagedChanges(cwd);
  const inlined = await inlineNestedRepos(cwd, staged);
  // Inlining swaps a gitlink for files, which may be none: then only git can say what is left.
  const unchanged =
    inlined.length === 0
      ? staged === ''
      : (await git(['diff', '--cached', '--quiet'], { cwd, okExitCodes: [1] })).exitCode === 0;
  if (unchanged) {
    return {
      committed: false,
      reason: 'no changes',
      leftOut,
      commit: await gitLine(['rev-parse', '--verify', 'HEAD'], { cwd }),
    };
  }
  let message = withTrailers(request.message, [
    ['Maestro-Run', request.runId],
    ['Maestro-Task', request.taskId],
    ['Maestro-Agent', request.agentId],
    ...(request.trailers ?? []),
  ]);
  if (request.hooks) {
    const hooked = await runCommitHooks(cwd, message, request.hooks.runner, request.hooks.env);
    if (!hooked.ok) throw new CommitHookError(request.taskId, hooked.output || `${hooked.hook} failed`);
    message = hooked.message;
    // pre-commit may have changed or re-staged files.
    await git(['add', '--all', '--', '.', ...exclude], { cwd });
  }
  const args = ['commit', '--quiet', '--no-verify', '--cleanup=verbatim', '--file=-'];
  await commitWithFallbacks({ cwd, timeoutMs: request.commitTimeoutMs }, args, message);
  // The new commit, its parent and what it changed, in one call.
  const shown = await git(
    ['show', '-z', '--numstat', '-M', '--no-show-signature', '--format=%H %P', 'HEAD'],
    { cwd },
  );
  const end = shown.stdout.indexOf('\0');
  const [commit = '', parent = ''] = shown.stdout.slice(0, end).trim().split(' ');
  const stats = parseNumstat(shown.stdout.slice(end + 1).replace(/^\n/, ''));
  return {
    committed: true,
    commit,
    parent,
    files: stats.files.length,
    insertions: stats.insertions,
    deletions: stats.deletions,
    leftOut,
  };
}

/** The listed paths a snapshot stages, by how git adds them. */
export interface StagePlan {
  /** Modified, deleted or unmerged tracked files. */
  tracked: string[];
  /** New files, and nested repositories as `dir/`. */
  untracked: string[];
}

/** Every listed path except those equal to or under an `exclude` entry and the left-out files. */
export function pathsToStage(
  changes: WorktreeChanges,
  exclude: readonly string[],
  leftOut: readonly LeftOut[],
): StagePlan {
  // As git reads a pathspec: `./node_modules/` is `node_modules`.
  const dirs = exclude.map((entry) => posix.normalize(entry).replace(/\/+$/, ''));
  const skipped = new Set(leftOut.map((entry) => entry.path));
  const plan: StagePlan = { tracked: [], untracked: [] };
  for (const path of changes.paths) {
    if (skipped.has(path) || dirs.some((dir) => path === dir || path.startsWith(`${dir}/`))) continue;
    (changes.untracked.has(path) ? plan.untracked : plan.tracked).push(path);
  }
  return plan;
}

/**
 * Stage exactly the planned paths, so the tree is not walked again; nothing planned, no add (what
 * the agent staged itself stays staged). `exclude` are the `:(exclude,literal)` pathspecs of the full add.
 */
export async function stageListed(cwd: string, plan: StagePlan, exclude: string[]): Promise<void> {
  try {
    // `--update` reads only the index: an `--all` add naming a tracked file inside an ignored
    // folder reports the folder as ignored and fails.
    if (plan.tracked.length > 0) await addLiterally(cwd, '--update', plan.tracked);
    if (plan.untracked.length > 0) await addLiterally(cwd, '--all', plan.untracked);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    // A listed path is gone since ("did not match any files") or now lies beyond a symlink (a
    // tracked folder replaced by a link): the full add stages whatever is there, so nothing is lost.
    await git(['add', '--all', '--', '.', ...exclude], { cwd });
  }
}

/** `git add <mode>` of `paths` taken literally (`*`, `?`, `[`, a leading `:` are file names here). */
async function addLiterally(cwd: string, mode: string, paths: string[]): Promise<void> {
  const specs = paths.map((path) => `:(literal)${path}`);
  await git(['add', mode, '--pathspec-from-file=-', '--pathspec-file-nul'], {
    cwd,
    input: `${specs.join('\0')}\0`,
  });
}

/** Append `Key: value` trailers in their own paragraph; values are kept to one line. */
export function withTrailers(message: string, trailers: [string, string][]): string {
  const body = message.replace(/\s+$/, '');
  const lines = trailers.map(([key, value]) => `${key}: ${value.replace(/\s*\n\s*/g, ' ').trim()}`);
  return `${body}\n\n${lines.join('\n')}\n`;
}

/** `git commit`; when it fails for want of an identity, retried as maestro. */
async function commitWithFallbacks(
  where: { cwd: string; timeoutMs: number | undefined },
  args: string[],
  message: string,
): Promise<void> {
  const { cwd } = where;
  try {
    await git(args, { ...where, input: message });
    return;
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const identity = await identityEnv(cwd);
    if (Object.keys(identity).length === 0) throw error;
    await git(args, { ...where, input: message, env: identity });
  }
}
