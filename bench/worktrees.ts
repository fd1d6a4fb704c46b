import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createWorktrees } from '../src/git/worktree-create.js';
import { generateRepo, ms, run } from './git-fixture.js';

/**
 * bench/worktrees: time until the first and the last of 10 task worktrees is ready, maestro's way
 * (`--no-checkout --lock` adds, then pooled checkouts with checkout.workers, each reported ready on
 * its own) versus plain `git worktree add` run one after another. Run: npx tsx bench/worktrees.ts [files] [count]
 */
const files = Number(process.argv[2] ?? 20_000);
const count = Number(process.argv[3] ?? 10);
const repo = generateRepo(files);
// Warm the object store so neither way pays the first read from disk.
execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: repo.dir, stdio: 'ignore' });

const roots: string[] = [];
/** Flush dirty pages so neither way pays for the other's writes. */
const settle = () => execFileSync('sync');

function plain(): { first: number; last: number } {
  const root = mkdtempSync(join(tmpdir(), 'maestro-bench-plain-'));
  const start = process.hrtime.bigint();
  const ready: number[] = [];
  for (let index = 0; index < count; index++) {
    run(repo.dir, ['worktree', 'add', '-q', '-b', `plain/t${index}`, join(root, `t${index}`), repo.base]);
    ready.push(ms(start));
  }
  roots.push(root);
  return { first: ready[0] ?? 0, last: ready.at(-1) ?? 0 };
}

async function maestro(): Promise<{ first: number; last: number }> {
  const root = mkdtempSync(join(tmpdir(), 'maestro-bench-wt-'));
  const start = process.hrtime.bigint();
  const ready: number[] = [];
  const specs = Array.from({ length: count }, (_, index) => ({ taskId: `t${index}`, commit: repo.base }));
  const batch = await createWorktrees(
    specs,
    { repo: repo.dir, runId: 'bench', root },
    { onReady: () => ready.push(ms(start)) },
  );
  if (batch.failed.length > 0) throw batch.failed[0]?.error;
  roots.push(root);
  return { first: ready[0] ?? 0, last: ready.at(-1) ?? 0 };
}

settle();
const base = plain();
settle();
const ours = await maestro();
const fmt = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
console.log(
  `repo: ${files} files, ${count} worktrees, ${availableParallelism()} cores, ${run(repo.dir, ['version'])}`,
);
console.log(`plain worktree add, sequential: first ready ${fmt(base.first)}, last ready ${fmt(base.last)}`);
console.log(`maestro createWorktrees:        first ready ${fmt(ours.first)}, last ready ${fmt(ours.last)}`);
console.log(`first ready vs plain's first:        ${(base.first / ours.first).toFixed(1)}x sooner`);
console.log(
  `first ready vs plain batch (all 10): ${(base.last / ours.first).toFixed(1)}x sooner (target >= 5x)`,
);
console.log(`last ready: ${(base.last / ours.last).toFixed(2)}x of plain (target >= 1: no later)`);
for (const root of [...roots, repo.dir]) rmSync(root, { recursive: true, force: true });
