/**
 * bench/radar: the live conflict radar's cost. A repository of FILES tracked files (default 4,000)
 * and 20 worktrees, each with a few uncommitted edits (every other one on a shared line). Measures
 * capturing one worktree's state as a commit (maestro: seeded from a copy of the worktree's index,
 * then a private index kept per task, so `add` trusts its stat cache) against the baseline that
 * starts from `read-tree HEAD` each time (every file hashed again), and one `findOverlaps` batch
 * over N running worktrees (N(N-1)/2 pairs).
 * Run: npx tsx bench/radar.ts   (FILES=20000 npx tsx bench/radar.ts for a larger repository)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureWorktreeState } from '../src/git/worktree-snapshot-tree.js';
import { findOverlaps } from '../src/git/overlap.js';

const files = Number(process.env.FILES ?? 4000);
const worktrees = 20;
const run = (cwd: string, args: string[], env: Record<string, string> = {}, input?: string): string =>
  execFileSync('git', args, { cwd, env: { ...process.env, ...env }, input, encoding: 'utf8' }).trim();

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

/** The baseline snapshot: a fresh temp index from HEAD's tree, so `add -A` hashes every file. */
function readTreeSnapshot(wt: string, scratch: string): string {
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  rmSync(env.GIT_INDEX_FILE, { force: true });
  run(wt, ['read-tree', 'HEAD'], env);
  run(wt, ['add', '--all'], env);
  const tree = run(wt, ['write-tree'], env);
  return run(wt, ['commit-tree', tree, '-p', 'HEAD', '-m', 'baseline']);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const base = mkdtempSync(join(tmpdir(), 'maestro-bench-radar-'));
try {
  const repo = join(base, 'repo');
  mkdirSync(repo);
  run(repo, ['init', '-q', '-b', 'main']);
  for (let i = 0; i < files; i += 1) {
    const dir = join(repo, 'src', `d${i % 100}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.ts`), `export const v${i} = ${i};\n// line two\n// line three\n`);
  }
  writeFileSync(join(repo, 'shared.ts'), 'one\ntwo\nthree\nfour\nfive\nsix\n');
  run(repo, ['add', '-A']);
  run(repo, ['-c', 'user.name=b', '-c', 'user.email=b@x', 'commit', '-q', '-m', 'init']);
  const trees: { id: string; wt: string }[] = [];
  for (let i = 0; i < worktrees; i += 1) {
    const id = `t${String(i).padStart(2, '0')}`;
    const wt = join(base, id);
    run(repo, ['worktree', 'add', '-q', '-b', `maestro/bench/tasks/${id}`, wt, 'main']);
    writeFileSync(join(wt, 'src', 'd1', `f${100 + i}.ts`), `export const changed = ${i};\n`);
    writeFileSync(join(wt, `new-${id}.ts`), 'untracked\n');
    if (i % 2 === 0) writeFileSync(join(wt, 'shared.ts'), `one\nTWO from ${id}\nthree\nfour\nfive\nsix\n`);
    trees.push({ id, wt });
  }
  const scratch = join(base, 'scratch');
  mkdirSync(scratch);
  // Agents edit seconds after checkout: let the worktree indexes stop being "racily clean".
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const first: number[] = [];
  const again: number[] = [];
  const baseline: number[] = [];
  const refs: { id: string; ref: string }[] = [];
  for (const { id, wt } of trees) {
    baseline.push((await time(async () => readTreeSnapshot(wt, scratch)))[1]);
    const indexFile = join(scratch, `${id}.index`);
    first.push((await time(() => captureWorktreeState(wt, { indexFile })))[1]);
    writeFileSync(join(wt, 'src', 'd2', `f${200 + Number(id.slice(1))}.ts`), 'export const again = 1;\n');
    const [state, ms] = await time(() => captureWorktreeState(wt, { indexFile }));
    again.push(ms);
    refs.push({ id, ref: state.commit });
  }
  const version = run(repo, ['version']).match(/(\d+)\.(\d+)/) ?? [];
  const gitVersion = { major: Number(version[1]), minor: Number(version[2]) };
  process.stdout.write(
    `bench/radar: ${files} tracked files, ${worktrees} worktrees, git ${gitVersion.major}.${gitVersion.minor}\n` +
      `capture one worktree's state (median of ${worktrees}): baseline (temp index from read-tree HEAD) ` +
      `${median(baseline).toFixed(0)} ms; maestro first capture (copy of the worktree's index) ` +
      `${median(first).toFixed(0)} ms, next captures (the task's private index kept) ${median(again).toFixed(0)} ms\n`,
  );
  for (const n of [2, 5, 10, 20]) {
    const subset = refs.slice(0, n);
    await findOverlaps(repo, subset, gitVersion);
    const samples: number[] = [];
    let found = 0;
    for (let k = 0; k < 5; k += 1) {
      const [pairs, ms] = await time(() => findOverlaps(repo, subset, gitVersion));
      samples.push(ms);
      found = pairs.length;
    }
    const pairCount = (n * (n - 1)) / 2;
    const ms = median(samples);
    process.stdout.write(
      `findOverlaps on ${String(n).padStart(2)} running worktrees: ${pairCount} pairs, ${found} overlapping, ` +
        `${ms.toFixed(0)} ms (${(ms / pairCount).toFixed(2)} ms a pair)\n`,
    );
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
