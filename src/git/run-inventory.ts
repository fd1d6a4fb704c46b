import { readlink } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { git } from './runner.js';
import { lockPid, lockState, pidAlive, type LockState, type PidCheck } from './locks.js';
import { isAncestor, listBranches, readBranch } from './plumbing.js';
import { parseTaskBranch, resultBranch, runBranchPrefix } from './refs.js';
import { listWorktrees, type WorktreeEntry } from './worktree-list.js';
import { isInside } from './worktree-paths.js';

/**
 * What git knows about one run's task branches and worktrees: the facts the pure removal and
 * reconcile planners decide on. Only refs under `maestro/<runId>/tasks/` are ever looked at.
 */
export interface TaskFacts {
  taskId: string;
  branch: string;
  /** `null` when the branch is gone (a worktree left detached). */
  branchCommit: string | null;
  worktree: { path: string; prunable: boolean; lock: LockState; lockPid: number | null } | null;
  /** The branch tip is reachable from the result branch. */
  merged: boolean;
  /** The worktree has uncommitted changes (dependency links aside). */
  dirty: boolean;
  /** The worktree folder lies under maestro's worktree root. */
  ownFolder: boolean;
}

export interface InventoryOptions {
  runId: string;
  root: string;
  /** This process: its own locks are not "in use by someone else". */
  pid?: number;
  alive?: PidCheck;
  /** Untracked top-level names that do not make a worktree dirty (linked dependency folders). */
  linkedDirs?: string[];
}

export async function gatherTaskFacts(repo: string, options: InventoryOptions): Promise<TaskFacts[]> {
  const prefix = `${runBranchPrefix(options.runId)}tasks/`;
  const [branches, worktrees, result] = await Promise.all([
    listBranches(repo, prefix),
    listWorktrees(repo),
    readBranch(repo, resultBranch(options.runId)),
  ]);
  const byBranch = new Map<string, WorktreeEntry>();
  for (const entry of worktrees) if (entry.branch?.startsWith(prefix)) byBranch.set(entry.branch, entry);
  // A worktree an agent moved off its branch (`git checkout -b`, `--detach`) is still found by its folder.
  for (const entry of worktrees) {
    const taskId = taskIdOfFolder(options.root, options.runId, entry.path);
    if (taskId === null) continue;
    const branch = `${prefix}${taskId}`;
    if (!byBranch.has(branch)) byBranch.set(branch, entry);
  }
  const names = new Set([...branches.keys(), ...byBranch.keys()]);
  const facts: TaskFacts[] = [];
  for (const branch of [...names].sort()) {
    const parsed = parseTaskBranch(branch);
    if (!parsed || parsed.runId !== options.runId) continue;
    const branchCommit = branches.get(branch) ?? null;
    const entry = byBranch.get(branch);
    const merged = branchCommit !== null && result !== null && (await isAncestor(repo, branchCommit, result));
    const worktree = entry
      ? {
          path: entry.path,
          prunable: entry.prunable,
          lock: lockState(entry, options.pid ?? process.pid, options.alive ?? pidAlive),
          lockPid: lockPid(entry.lockReason),
        }
      : null;
    const dirty =
      entry && !entry.prunable ? await isDirty(repo, entry.path, options.linkedDirs ?? []) : false;
    const ownFolder = entry ? isInside(options.root, entry.path) : true;
    facts.push({ taskId: parsed.taskId, branch, branchCommit, worktree, merged, dirty, ownFolder });
  }
  return facts;
}

/** `<root>/<runId>/<taskId>` is the folder maestro gives a task's worktree (`worktreePath`). */
function taskIdOfFolder(root: string, runId: string, path: string): string | null {
  const rel = relative(join(root, runId), path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.includes(sep)) return null;
  return rel;
}

async function isDirty(repo: string, worktree: string, linkedDirs: string[]): Promise<boolean> {
  const status = await git(['status', '--porcelain', '-z', '--untracked-files=normal'], {
    cwd: worktree,
  }).catch(() => null);
  // A worktree git cannot read is treated as holding work: never delete what we cannot inspect.
  if (!status) return true;
  for (const line of status.stdout.split('\0')) {
    if (line === '') continue;
    if (!line.startsWith('?? ')) return true;
    const path = line.slice(3).replace(/\/$/, '');
    if (!linkedDirs.includes(path) && !(await isDependencyLink(repo, worktree, path))) return true;
  }
  return false;
}

/** The symlink `linkDependencyDirs` makes: `<worktree>/<dir>` -> `<repo>/<dir>`. */
async function isDependencyLink(repo: string, worktree: string, path: string): Promise<boolean> {
  const target = await readlink(join(worktree, path)).catch(() => null);
  return target === join(repo, path);
}
