import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createWorktrees } from '../src/git/worktree-create.js';
import { filePath, generateRepo, ms, run } from './git-fixture.js';

/**
 * bench/worktrees: time until the first and the last of 10 task worktrees is ready, maestro's way
 * versus plain `git worktree add` run one after another.
 *
 * maestro's way (`createWorktrees()`): `worktree add --no-checkout --lock` one after another, each
 * task's cone (the folder of its planned file, plus top-level files) checked out first, then the
 * full checkouts in a pool with checkout.workers. "First ready" is when the first agent has its
 * own files; "complete" is when a worktree has every file.
 *
 * The disk here is shared and noisy, so the two ways alternate over several rounds (which goes
 * first alternates too) and the medians are compared. Run: npx tsx bench/worktrees.ts [files] [count] [rounds]
 */
const files = Number(process.argv[2] ?? 20_000);
const count = Number(process.argv[3] ?? 10);
const rounds = Number(process.argv[4] ?? 3);
const repo = generateRepo(files);
// Warm the object store so neither way pays the first read from disk.
execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: repo.dir, stdio: 'ignore' });

interface Times {
  first: number;
  last: number;
  firstComplete: number;
  lastComplete: number;
}

/** Flush dirty pages (and the previous round's deletions) so neither way pays for the other. */
const settle = () => execFileSync('sync');

function plain(round: number): Times {
  const root = mkdtempSync(join(tmpdir(), 'maestro-bench-plain-'));
  const start = process.hrtime.bigint();
  const ready: number[] = [];
  for (let index = 0; index < count; index++) {
    const branch = `plain/r${round}/t${index}`;
    run(repo.dir, ['worktree', 'add', '-q', '-b', branch, join(root, `t${index}`), repo.base]);
    ready.push(ms(start));
  }
  cleanUp(root);
  const first = ready[0] ?? 0;
  const last = ready.at(-1) ?? 0;
  return { first, last, firstComplete: first, lastComplete: last };
}

async function maestro(round: number): Promise<Times> {
  const root = mkdtempSync(join(tmpdir(), 'maestro-bench-wt-'));
  const start = process.hrtime.bigint();
  const early: number[] = [];
  const complete: number[] = [];
  // Each task plans to edit one file of its own package (a folder of 100 files).
  const specs = Array.from({ length: count }, (_, index) => ({
    taskId: `t${index}`,
    commit: repo.base,
    files: [filePath(index * 100 + 7)],
  }));
  const batch = await createWorktrees(
    specs,
    { repo: repo.dir, runId: `bench${round}`, root },
    { onEarly: () => early.push(ms(start)), onReady: () => complete.push(ms(start)) },
  );
  if (batch.failed.length > 0) throw batch.failed[0]?.error;
  cleanUp(root);
  return {
    first: early[0] ?? 0,
    last: early.at(-1) ?? 0,
    firstComplete: complete[0] ?? 0,
    lastComplete: complete.at(-1) ?? 0,
  };
}

function cleanUp(root: string): void {
  rmSync(root, { recursive: true, force: true });
  run(repo.dir, ['worktree', 'prune']);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const fmt = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
const plainRuns: Times[] = [];
const ourRuns: Times[] = [];
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ['plain', 'maestro'] : ['maestro', 'plain'];
  for (const way of order) {
    settle();
    if (way === 'plain') plainRuns.push(plain(round));
    else ourRuns.push(await maestro(round));
  }
  const p = plainRuns.at(-1) as Times;
  const o = ourRuns.at(-1) as Times;
  console.log(
    `round ${round + 1}: plain first ${fmt(p.first)} last ${fmt(p.last)} | maestro first ${fmt(o.first)} (complete ${fmt(o.firstComplete)}) last complete ${fmt(o.lastComplete)}`,
  );
}
const m = (runs: Times[], key: keyof Times) => median(runs.map((r) => r[key]));
console.log(
  `repo: ${files} files, ${count} worktrees, ${rounds} rounds, ${availableParallelism()} cores, ${run(repo.dir, ['version'])}; medians:`,
);
console.log(
  `plain worktree add, sequential: first ready ${fmt(m(plainRuns, 'first'))}, last ${fmt(m(plainRuns, 'last'))}`,
);
console.log(
  `maestro: first agent has its files ${fmt(m(ourRuns, 'first'))}, last ${fmt(m(ourRuns, 'last'))}; first complete ${fmt(m(ourRuns, 'firstComplete'))}, last complete ${fmt(m(ourRuns, 'lastComplete'))}`,
);
const ratios = (fn: (p: Times, o: Times) => number) =>
  median(plainRuns.map((p, i) => fn(p, ourRuns[i] as Times)));
console.log(
  `first ready: ${ratios((p, o) => p.first / o.first).toFixed(1)}x sooner than plain's first (target >= 5x); ${ratios((p, o) => p.last / o.first).toFixed(0)}x sooner than plain's batch`,
);
console.log(
  `last complete: ${ratios((p, o) => p.last / o.lastComplete).toFixed(2)}x of plain's last (target >= 1: no later)`,
);
rmSync(repo.dir, { recursive: true, force: true });
