import { GitError, git, gitLine } from './runner.js';
import { parseConflicts } from './conflict-model.js';
import type { ConflictFile } from './conflict-types.js';
import { classifyConflicts, parseMergeTreeOutput } from './merge-output.js';
import { casUpdateBranch, commitTree, isAncestor, readBranch } from './plumbing.js';
import { resultBranch } from './refs.js';
import { MaestroError } from '../errors.js';
import { settleByStructure } from './structured-tree.js';
import type { StructuredMerger } from './structured/structured-merge.js';

/**
 * Merges into `maestro/<runId>/result` entirely in memory: `merge-tree --write-tree`, then
 * `commit-tree` with both parents, then a compare-and-swap `update-ref`. No worktree, no index.
 */

/** Create the result branch at `baseCommit`, or return where it already is (a resumed run). */
export async function ensureResultBranch(
  repo: string,
  runId: string,
  baseCommit: string,
): Promise<{ branch: string; commit: string; created: boolean }> {
  const branch = resultBranch(runId);
  const existing = await readBranch(repo, branch);
  if (existing) return { branch, commit: existing, created: false };
  const update = await casUpdateBranch(repo, branch, baseCommit, null, `maestro: start run ${runId}`);
  if (!update.ok) return { branch, commit: update.actual ?? baseCommit, created: false };
  return { branch, commit: baseCommit, created: true };
}

export interface MergeRequest {
  runId: string;
  taskId: string;
  /** The task's commit (or branch) to merge: "theirs". */
  theirs: string;
  /** Commit message of the merge commit; the caller names the task in it. */
  message: string;
  /** Result commit the caller saw; defaults to the branch's current commit. */
  expected?: string;
  /** The tree of `expected`, when the caller knows it (saves looking it up). */
  expectedTree?: string;
  env?: Record<string, string>;
  /** Settle git's content conflicts by syntax where provably safe (`merge.structured`). */
  structured?: StructuredMerger;
}

export type MergeResult =
  | {
      status: 'merged';
      commit: string;
      tree: string;
      previous: string;
      theirs: string;
      /** Files git conflicted on that the structured merge settled. */
      structured: string[];
    }
  | { status: 'up-to-date'; commit: string; theirs: string }
  | {
      status: 'conflicted';
      ours: string;
      theirs: string;
      tree: string;
      conflicts: ConflictFile[];
      structured: string[];
    }
  /** Someone moved the result branch meanwhile: nothing was written; merge again from `actual`. */
  | { status: 'race-lost'; expected: string; actual: string | null; theirs: string };

export async function mergeIntoResult(repo: string, request: MergeRequest): Promise<MergeResult> {
  const { taskId, theirs, message } = request;
  const batch = await mergeAllIntoResult(repo, { ...request, tasks: [{ taskId, theirs, message }] });
  if (batch.status === 'race-lost') return { ...batch, theirs };
  const [task] = batch.tasks;
  if (!task) throw new MaestroError(`The merge of task ${taskId} returned nothing.`);
  switch (task.status) {
    case 'merged':
      return { ...task, previous: batch.previous };
    case 'up-to-date':
      return { status: 'up-to-date', commit: batch.previous, theirs: task.theirs };
    case 'conflicted':
      return task;
  }
}

export interface BatchMergeTask {
  taskId: string;
  theirs: string;
  message: string;
}

export type BatchTaskResult = { taskId: string; theirs: string } & (
  | { status: 'merged'; commit: string; tree: string; structured: string[] }
  | { status: 'up-to-date' }
  | { status: 'conflicted'; ours: string; tree: string; conflicts: ConflictFile[]; structured: string[] }
);

export type BatchMergeResult =
  | { status: 'done'; previous: string; commit: string; tree: string; tasks: BatchTaskResult[] }
  /** Nothing was written: merge the batch again from `actual`. */
  | { status: 'race-lost'; expected: string; actual: string | null };

/**
 * Merge several tasks in order onto the result branch, each a merge commit on the one before,
 * skipping conflicted ones, and move the branch once at the end with one compare-and-swap: what a
 * run does when several tasks finish together.
 */
export async function mergeAllIntoResult(
  repo: string,
  request: Omit<MergeRequest, 'taskId' | 'theirs' | 'message'> & { tasks: BatchMergeTask[] },
): Promise<BatchMergeResult> {
  const branch = resultBranch(request.runId);
  const start = request.expected ?? (await readBranch(repo, branch));
  if (!start)
    throw new MaestroError(`The result branch ${branch} does not exist: start the run again to create it.`);
  let current = start;
  const knownTree = request.expected !== undefined ? request.expectedTree : undefined;
  let currentTree = knownTree ?? (await treeOf(repo, start));
  const tasks: BatchTaskResult[] = [];
  for (const task of request.tasks) {
    const theirs = await commitOf(repo, task.theirs);
    const merged = await mergeTrees(repo, current, theirs, request.structured);
    const { taskId } = task;
    if (!merged.clean) {
      const { tree, conflicts, structured } = merged;
      tasks.push({ taskId, theirs, status: 'conflicted', ours: current, tree, conflicts, structured });
      // Same tree as ours: theirs may already be merged; only then is the ancestry walk worth its cost.
    } else if (merged.tree === currentTree && (await isAncestor(repo, theirs, current))) {
      tasks.push({ taskId, theirs, status: 'up-to-date' });
    } else {
      current = await commitTree(repo, merged.tree, [current, theirs], task.message, request.env);
      currentTree = merged.tree;
      tasks.push({
        taskId,
        theirs,
        status: 'merged',
        commit: current,
        tree: currentTree,
        structured: merged.structured,
      });
    }
  }
  if (current !== start) {
    const what =
      request.tasks.length === 1 ? `task ${request.tasks[0]?.taskId ?? ''}` : `${request.tasks.length} tasks`;
    const update = await casUpdateBranch(repo, branch, current, start, `maestro: merge ${what}`);
    if (!update.ok) return { status: 'race-lost', expected: start, actual: update.actual };
  }
  return { status: 'done', previous: start, commit: current, tree: currentTree, tasks };
}

async function commitOf(repo: string, ref: string): Promise<string> {
  if (/^[0-9a-f]{40}$/.test(ref)) return ref;
  return gitLine(['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`], { cwd: repo });
}

async function treeOf(repo: string, commit: string): Promise<string> {
  return gitLine(['rev-parse', '--verify', `${commit}^{tree}`], { cwd: repo });
}

export interface TreeMerge {
  clean: boolean;
  tree: string;
  conflicts: ConflictFile[];
  /** Files git conflicted on that the structured merge settled (their merged text is in `tree`). */
  structured: string[];
}

/**
 * Three-way merge of two commits into a tree; conflicted content comes back parsed into hunks.
 * With `structured`, content conflicts it can settle by syntax are written into the tree instead.
 */
export async function mergeTrees(
  repo: string,
  ours: string,
  theirs: string,
  structured?: StructuredMerger,
): Promise<TreeMerge> {
  const result = await git(
    ['-c', 'merge.conflictStyle=zdiff3', 'merge-tree', '--write-tree', '-z', '--messages', ours, theirs],
    { cwd: repo, okExitCodes: [1] },
  );
  const output = parseMergeTreeOutput(result.stdout);
  // git 2.39 also exits 1 when a side is not a commit ("not something we can merge"), with no tree.
  if (!/^[0-9a-f]{40,64}$/.test(output.tree))
    throw new GitError(
      ['merge-tree', ours, theirs],
      result.stderr || 'merge-tree wrote no tree',
      result.exitCode,
    );
  if (result.exitCode === 0) return { clean: true, tree: output.tree, conflicts: [], structured: [] };
  const conflicts = classifyConflicts(output);
  if (structured) {
    const settled = await settleByStructure(repo, { tree: output.tree, conflicts }, structured);
    await attachMarkedText(repo, output.tree, settled.conflicts);
    const { tree, structured: paths } = settled;
    return { clean: settled.conflicts.length === 0, tree, conflicts: settled.conflicts, structured: paths };
  }
  await attachMarkedText(repo, output.tree, conflicts);
  return { clean: false, tree: output.tree, conflicts, structured: [] };
}

/** Read the marker-carrying files git wrote into the merged tree and parse their hunks. */
async function attachMarkedText(repo: string, tree: string, conflicts: ConflictFile[]): Promise<void> {
  const textual = conflicts.filter((file) => file.kind === 'content' || file.kind === 'add/add');
  if (textual.length === 0) return;
  const listing = await git(['ls-tree', '-z', tree, '--', ...textual.map((file) => file.path)], {
    cwd: repo,
  });
  const blobs = new Map<string, string>();
  for (const line of listing.stdout.split('\0')) {
    const match = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (match?.[2] && match[3] !== undefined && match[1] !== '160000') blobs.set(match[3], match[2]);
  }
  await Promise.all(
    textual.map(async (file) => {
      const oid = blobs.get(file.path);
      if (!oid) return;
      file.markedText = (await git(['cat-file', 'blob', oid], { cwd: repo })).stdout;
      file.hunks = parseConflicts(file.markedText).hunks;
    }),
  );
}
