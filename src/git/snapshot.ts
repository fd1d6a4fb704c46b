import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { git, gitLine, GitError } from './runner.js';
import { parseNumstat } from './diff-stats.js';
import { identityEnv } from './plumbing.js';
import { inlineNestedRepos } from './nested-repos.js';
import { MaestroError } from '../errors.js';

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
  /** Run the project's commit hooks (config `commitHooks`); default true. */
  hooks?: boolean;
  /** Paths never committed, e.g. dependency folders linked into the worktree. */
  exclude?: string[];
  /** Time limit of the commit itself, the project's hooks included (default: the git runner's). */
  commitTimeoutMs?: number;
}

export type SnapshotResult =
  | { committed: true; commit: string; parent: string; files: number; insertions: number; deletions: number }
  | { committed: false; reason: 'no changes'; commit: string };

/** Commit every change in an agent's worktree (adds, edits, deletes, renames, modes, binaries). */
export async function snapshotWorktree(request: SnapshotRequest): Promise<SnapshotResult> {
  const cwd = request.worktree;
  const exclude = (request.exclude ?? []).map((path) => `:(exclude,literal)${path}`);
  await git(['add', '--all', '--', '.', ...exclude], { cwd });
  // A repository the agent made inside its worktree is committed as files, never as a dangling gitlink.
  await inlineNestedRepos(cwd);
  const staged = await git(['diff', '--cached', '--quiet'], { cwd, okExitCodes: [1] });
  if (staged.exitCode === 0) {
    return {
      committed: false,
      reason: 'no changes',
      commit: await gitLine(['rev-parse', '--verify', 'HEAD'], { cwd }),
    };
  }
  const hooks = request.hooks ?? true;
  const message = withTrailers(request.message, [
    ['Maestro-Run', request.runId],
    ['Maestro-Task', request.taskId],
    ['Maestro-Agent', request.agentId],
    ...(request.trailers ?? []),
  ]);
  const args = ['commit', '--quiet', '--cleanup=verbatim', '--file=-', ...(hooks ? [] : ['--no-verify'])];
  await commitWithFallbacks(
    { cwd, timeoutMs: request.commitTimeoutMs },
    args,
    message,
    request.taskId,
    hooks,
  );
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
  };
}

/** Append `Key: value` trailers in their own paragraph; values are kept to one line. */
export function withTrailers(message: string, trailers: [string, string][]): string {
  const body = message.replace(/\s+$/, '');
  const lines = trailers.map(([key, value]) => `${key}: ${value.replace(/\s*\n\s*/g, ' ').trim()}`);
  return `${body}\n\n${lines.join('\n')}\n`;
}

/**
 * `git commit`; only when it fails are the causes looked up: no identity configured (retried as
 * maestro) or the project's commit hooks refusing (reported with their output).
 */
async function commitWithFallbacks(
  where: { cwd: string; timeoutMs: number | undefined },
  args: string[],
  message: string,
  taskId: string,
  hooks: boolean,
): Promise<void> {
  const { cwd } = where;
  let identity: Record<string, string>;
  try {
    await git(args, { ...where, input: message });
    return;
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    identity = await identityEnv(cwd);
    if (Object.keys(identity).length === 0) throw await explainFailure(error, cwd, taskId, hooks);
  }
  try {
    await git(args, { ...where, input: message, env: identity });
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    throw await explainFailure(error, cwd, taskId, hooks);
  }
}

async function explainFailure(error: GitError, cwd: string, taskId: string, hooks: boolean): Promise<Error> {
  return hooks && (await hasCommitHook(cwd)) ? new CommitHookError(taskId, error.stderr) : error;
}

async function hasCommitHook(cwd: string): Promise<boolean> {
  const hooksDir = await gitLine(['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], { cwd });
  for (const name of ['pre-commit', 'prepare-commit-msg', 'commit-msg']) {
    const found = await access(join(hooksDir, name), constants.X_OK).then(
      () => true,
      () => false,
    );
    if (found) return true;
  }
  return false;
}
