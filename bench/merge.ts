import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ensureResultBranch, mergeAllIntoResult, mergeIntoResult } from '../src/git/merge.js';
import { generateBranches, generateRepo, ms, run } from './git-fixture.js';
import { StructuredMerger } from '../src/git/structured/structured-merge.js';

/**
 * bench/merge: 20 task branches of a 20k-file repo, 2 of them conflicting, merged into the result
 * branch in memory (merge-tree + commit-tree + CAS update-ref) versus an integration worktree with
 * `git merge` per branch. Run: npx tsx bench/merge.ts [files] [branches]
 */
const files = Number(process.argv[2] ?? 20_000);
const count = Number(process.argv[3] ?? 20);
const repo = generateRepo(files);
const branches = generateBranches(repo, count, [count - 2, count - 1]);
// Warm the object store so the first way measured does not pay the first read from disk.
execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: repo.dir, stdio: 'ignore' });

async function inMemory(
  runId = 'bench',
  structured?: StructuredMerger,
): Promise<{ ms: number; merged: number; conflicted: number }> {
  const start = process.hrtime.bigint();
  let { commit } = await ensureResultBranch(repo.dir, runId, repo.base);
  // As the orchestrator does: the head and tree of its last merge are passed along.
  let tree: string | undefined;
  let merged = 0;
  let conflicted = 0;
  for (const [index, theirs] of branches.entries()) {
    const result = await mergeIntoResult(repo.dir, {
      runId,
      ...(structured && { structured }),
      taskId: `t${index}`,
      theirs,
      expected: commit,
      ...(tree !== undefined && { expectedTree: tree }),
      message: `maestro: merge task t${index}\n`,
    });
    if (result.status === 'merged') {
      commit = result.commit;
      tree = result.tree;
      merged++;
    } else if (result.status === 'conflicted') conflicted++;
    else throw new Error(`unexpected ${result.status}`);
  }
  return { ms: ms(start), merged, conflicted };
}

/** The same merges as one batch: one compare-and-swap at the end instead of one per task. */
async function inMemoryBatch(): Promise<{ ms: number; merged: number; conflicted: number }> {
  const start = process.hrtime.bigint();
  const { commit } = await ensureResultBranch(repo.dir, 'batch', repo.base);
  const tasks = branches.map((theirs, index) => ({
    taskId: `t${index}`,
    theirs,
    message: `maestro: merge task t${index}\n`,
  }));
  const result = await mergeAllIntoResult(repo.dir, { runId: 'batch', tasks, expected: commit });
  if (result.status !== 'done') throw new Error('race lost in a benchmark');
  const merged = result.tasks.filter((task) => task.status === 'merged').length;
  return { ms: ms(start), merged, conflicted: result.tasks.length - merged };
}

function integrationWorktree(): { ms: number; merged: number; conflicted: number } {
  const dir = join(mkdtempSync(join(tmpdir(), 'maestro-bench-int-')), 'integration');
  const start = process.hrtime.bigint();
  run(repo.dir, ['worktree', 'add', '-q', '-b', 'integration', dir, repo.base]);
  let merged = 0;
  let conflicted = 0;
  for (const theirs of branches) {
    try {
      execFileSync('git', ['merge', '-q', '--no-edit', theirs], { cwd: dir, stdio: 'pipe' });
      merged++;
    } catch {
      run(dir, ['merge', '--abort']);
      conflicted++;
    }
  }
  const elapsed = ms(start);
  rmSync(dir, { recursive: true, force: true });
  return { ms: elapsed, merged, conflicted };
}

const ours = await inMemory();
// merge.structured on (the default): conflicted files are offered to the structured merge first.
const structured = await inMemory('structured', new StructuredMerger());
const batch = await inMemoryBatch();
const baseline = integrationWorktree();
const ratio = baseline.ms / ours.ms;
console.log(
  `repo: ${files} files, ${count} task branches (2 conflicting), git ${run(repo.dir, ['version'])}`,
);
console.log(
  `in-memory merge-tree:        ${ours.ms.toFixed(0)} ms  (${ours.merged} merged, ${ours.conflicted} conflicted)`,
);
console.log(
  `  with merge.structured:     ${structured.ms.toFixed(0)} ms  (${(structured.ms / ours.ms).toFixed(2)}x of git alone; goal <= 2x)`,
);
console.log(
  `in-memory, one CAS per batch: ${batch.ms.toFixed(0)} ms  (${batch.merged} merged, ${batch.conflicted} conflicted)`,
);
console.log(
  `integration worktree+merge:  ${baseline.ms.toFixed(0)} ms  (${baseline.merged} merged, ${baseline.conflicted} conflicted)`,
);
console.log(
  `ratio per-task merges: ${ratio.toFixed(1)}x faster (target >= 10x), total ${(ours.ms / 1000).toFixed(2)} s (target < 0.5 s)`,
);
console.log(
  `ratio batch:           ${(baseline.ms / batch.ms).toFixed(1)}x faster, total ${(batch.ms / 1000).toFixed(2)} s`,
);
rmSync(repo.dir, { recursive: true, force: true });
if ([ours, batch].some((way) => way.merged !== baseline.merged || way.conflicted !== baseline.conflicted)) {
  console.error('the two ways disagree on which branches conflict');
  process.exitCode = 1;
}
