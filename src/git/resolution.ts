import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MaestroError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { isResolved } from './conflict-model.js';
import { git, gitLine } from './runner.js';
import { forgetMissingWorktrees } from './worktree-forget.js';
import { commonDirOf, retryAdminRace, withWorktreeAdminLock } from './worktree-admin-lock.js';
import {
  createSession,
  fileStatus,
  isTextConflict,
  resolvedEntry,
  type ResolutionSession,
  type SessionInput,
} from './resolution-session.js';

/**
 * A task's resolution session on disk, and committing it into the result branch. The session
 * lives under `<git common dir>/maestro/runs/<runId>/resolutions/<taskId>/session.json` and is
 * rewritten atomically after every pick. Committing never touches the user's index or worktree:
 * the tree is built in a temporary index, validated in a temporary detached worktree.
 */

export function resolutionDir(commonDir: string, runId: string, taskId: string): string {
  return join(commonDir, 'maestro', 'runs', runId, 'resolutions', taskId);
}

function sessionFile(commonDir: string, runId: string, taskId: string): string {
  return join(resolutionDir(commonDir, runId, taskId), 'session.json');
}

export async function saveSession(commonDir: string, session: ResolutionSession): Promise<void> {
  await writeFileAtomic(
    sessionFile(commonDir, session.runId, session.taskId),
    `${JSON.stringify(session, null, 1)}\n`,
  );
}

export async function loadSession(
  commonDir: string,
  runId: string,
  taskId: string,
): Promise<ResolutionSession | null> {
  const path = sessionFile(commonDir, runId, taskId);
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const session = JSON.parse(raw) as ResolutionSession;
  if (session.version !== 1) {
    throw new MaestroError(`${path} was written by another maestro version: delete it to start over.`);
  }
  return session;
}

export type ConflictedMerge = Omit<SessionInput, 'sideTexts'>;

/**
 * Resume the task's saved session when it belongs to the same merge, else start a new one (reading
 * the sides of each text file from their blobs) and save it at once.
 */
export async function openSession(
  repo: string,
  commonDir: string,
  merge: ConflictedMerge,
): Promise<ResolutionSession> {
  const saved = await loadSession(commonDir, merge.runId, merge.taskId);
  if (saved && saved.resultCommit === merge.resultCommit && saved.taskCommit === merge.taskCommit) {
    return saved;
  }
  const sideTexts: SessionInput['sideTexts'] = {};
  for (const file of merge.files.filter(isTextConflict)) {
    sideTexts[file.path] = {
      ...(file.stages.ours ? { ours: await readBlob(repo, file.stages.ours) } : {}),
      ...(file.stages.theirs ? { theirs: await readBlob(repo, file.stages.theirs) } : {}),
    };
  }
  const session = createSession({ ...merge, sideTexts });
  await saveSession(commonDir, session);
  return session;
}

async function readBlob(repo: string, oid: string): Promise<string> {
  return (await git(['cat-file', 'blob', oid], { cwd: repo })).stdout;
}

export interface CommitOptions {
  repo: string;
  commonDir: string;
  session: ResolutionSession;
  /** Runs the `validate` commands in a checkout of the merged tree (none: no validation). */
  validate?: ValidateTree;
  /** Called on the temporary worktree before validation (e.g. link node_modules). */
  prepareWorktree?: (dir: string) => Promise<void>;
}

export interface ValidationRun {
  command: string;
  ok: boolean;
  exitCode: number | null;
  output: string;
}

/** Validation of a checked-out tree; the orchestrator's `runValidation` does the work (see the review's sessions.ts). */
export type ValidateTree = (worktree: string) => Promise<ValidationRun[]>;

export type CommitOutcome =
  | { ok: true; commit: string; tree: string; resolvedBy: string; validation: ValidationRun[] }
  | {
      ok: false;
      reason: 'unresolved' | 'markers' | 'validate' | 'moved';
      message: string;
      validation: ValidationRun[];
    };

export function resultRef(runId: string): string {
  return `refs/heads/maestro/${runId}/result`;
}

/** Build, check, validate and commit the resolved merge; CAS the result branch forward. */
export async function commitResolution(options: CommitOptions): Promise<CommitOutcome> {
  const { repo, session } = options;
  const open = session.files.filter((file) => fileStatus(file) !== 'resolved').map((file) => file.path);
  if (open.length > 0) {
    return fail('unresolved', `Still unresolved: ${open.join(', ')}. Resolve every file, then commit.`);
  }
  const marked = session.files.filter((file) => {
    const entry = resolvedEntry(file);
    return entry.kind === 'content' && !isResolved(entry.text);
  });
  if (marked.length > 0) {
    return fail('markers', `Conflict markers remain in ${marked.map((file) => file.path).join(', ')}.`);
  }
  const tree = await buildTree(repo, session);
  const resolvedBy = (await configValue(repo, 'user.name')) ?? 'unknown';
  const commit = await gitLine(
    [
      'commit-tree',
      tree,
      '-p',
      session.resultCommit,
      '-p',
      session.taskCommit,
      '-m',
      commitMessage(session, resolvedBy),
    ],
    { cwd: repo },
  );
  const validation = await validateCommit(options, commit);
  if (validation.some((run) => !run.ok)) {
    const failed = validation.find((run) => !run.ok);
    return fail(
      'validate',
      `Validation failed: ${failed?.command ?? ''}. Fix the resolution and commit again.`,
      validation,
    );
  }
  const moved = await git(
    [
      'update-ref',
      '-m',
      `maestro: resolve ${session.taskId}`,
      resultRef(session.runId),
      commit,
      session.resultCommit,
    ],
    { cwd: repo, okExitCodes: [1, 128] },
  );
  if (moved.exitCode !== 0) {
    return fail(
      'moved',
      `The result branch moved since this conflict was found; merge the task again to review the new conflict.`,
      validation,
    );
  }
  await saveSession(options.commonDir, { ...session, committed: { commit, resolvedBy } });
  return { ok: true, commit, tree, resolvedBy, validation };
}

function fail(
  reason: 'unresolved' | 'markers' | 'validate' | 'moved',
  message: string,
  validation: ValidationRun[] = [],
): CommitOutcome {
  return { ok: false, reason, message, validation };
}

async function configValue(repo: string, key: string): Promise<string | null> {
  const result = await git(['config', '--get', key], { cwd: repo, okExitCodes: [1] });
  const value = result.stdout.trim();
  return result.exitCode === 0 && value !== '' ? value : null;
}

export function commitMessage(session: ResolutionSession, resolvedBy: string): string {
  const short = (oid: string): string => oid.slice(0, 10);
  const paths = session.files.map((file) => file.path);
  return [
    `Resolve conflicts merging ${session.labels.theirs} into ${session.labels.ours}`,
    '',
    `Ours: maestro/${session.runId}/result at ${short(session.resultCommit)} (${session.labels.ours})`,
    `Theirs: maestro/${session.runId}/tasks/${session.taskId} at ${short(session.taskCommit)} (${session.labels.theirs})`,
    `Resolved by ${resolvedBy}: ${paths.join(', ')}`,
    '',
    `Maestro-Run: ${session.runId}`,
    `Maestro-Task: ${session.taskId}`,
    `Maestro-Resolved-By: ${resolvedBy}`,
  ].join('\n');
}

/** The merge-tree result with each conflicted path replaced, in a throwaway index. */
export async function buildTree(repo: string, session: ResolutionSession): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'maestro-index-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    await git(['read-tree', session.mergeTree], { cwd: repo, env });
    const records: string[] = [];
    for (const file of session.files) {
      const entry = resolvedEntry(file);
      switch (entry.kind) {
        case 'content': {
          const oid = await gitLine(['hash-object', '-w', '--stdin'], { cwd: repo, input: entry.text });
          records.push(`${entry.mode} ${oid}\t${file.path}`);
          break;
        }
        case 'blob':
          records.push(`${entry.mode} ${entry.oid}\t${file.path}`);
          break;
        case 'delete':
          records.push(`0 ${'0'.repeat(40)}\t${file.path}`);
          break;
        case 'merged': {
          if (entry.mode === undefined) break;
          const listed = await gitLine(['ls-tree', session.mergeTree, '--', file.path], { cwd: repo });
          const oid = listed.split(/\s+/)[2];
          if (oid) records.push(`${entry.mode} ${oid}\t${file.path}`);
          break;
        }
      }
    }
    if (records.length > 0) {
      await git(['update-index', '-z', '--index-info'], { cwd: repo, env, input: records.join('\0') + '\0' });
    }
    return await gitLine(['write-tree'], { cwd: repo, env });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function validateCommit(options: CommitOptions, commit: string): Promise<ValidationRun[]> {
  if (!options.validate) return [];
  const dir = await mkdtemp(join(tmpdir(), 'maestro-validate-'));
  const worktree = join(dir, 'tree');
  try {
    await withWorktreeAdminLock(await commonDirOf(options.repo), () =>
      git(['worktree', 'add', '--detach', worktree, commit], { cwd: options.repo }),
    );
    await options.prepareWorktree?.(worktree);
    return await options.validate(worktree);
  } finally {
    await retryAdminRace(() =>
      git(['worktree', 'remove', '--force', worktree], { cwd: options.repo, okExitCodes: [128] }),
    );
    await rm(dir, { recursive: true, force: true });
    await forgetMissingWorktrees(options.repo, (path) => path === worktree);
  }
}
