import { git } from './runner.js';
import { parseStdinBatch } from './merge-output.js';
import { versionAtLeast } from './repo.js';

/**
 * The live conflict radar: for every pair of task branches, would merging both conflict, and on
 * which files. One `merge-tree --stdin` batch on git 2.39+, one `merge-tree` per pair before.
 */
export interface OverlapBranch {
  /** The caller's name for the branch (usually the task id). */
  id: string;
  /** A commit or branch name. */
  ref: string;
}

export interface OverlapPair {
  a: string;
  b: string;
  files: string[];
}

export async function findOverlaps(
  repo: string,
  branches: OverlapBranch[],
  gitVersion: { major: number; minor: number },
): Promise<OverlapPair[]> {
  const pairs: [OverlapBranch, OverlapBranch][] = [];
  for (let i = 0; i < branches.length; i++) {
    for (let j = i + 1; j < branches.length; j++) pairs.push([branches[i]!, branches[j]!]);
  }
  if (pairs.length === 0) return [];
  const answers = versionAtLeast(gitVersion, { major: 2, minor: 39 })
    ? await batch(repo, pairs)
    : await Promise.all(pairs.map(([a, b]) => single(repo, a.ref, b.ref)));
  const overlaps: OverlapPair[] = [];
  answers.forEach((files, index) => {
    const pair = pairs[index];
    if (pair && files.length > 0) overlaps.push({ a: pair[0].id, b: pair[1].id, files });
  });
  return overlaps;
}

async function batch(repo: string, pairs: [OverlapBranch, OverlapBranch][]): Promise<string[][]> {
  const input = pairs.map(([a, b]) => `${a.ref} ${b.ref}\n`).join('');
  const result = await git(['merge-tree', '--stdin', '-z', '--name-only', '--no-messages'], {
    cwd: repo,
    input,
  });
  return parseStdinBatch(result.stdout).map((answer) => (answer.clean ? [] : unique(answer.paths)));
}

async function single(repo: string, a: string, b: string): Promise<string[]> {
  const result = await git(['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', a, b], {
    cwd: repo,
    okExitCodes: [1],
  });
  if (result.exitCode === 0) return [];
  return unique(
    result.stdout
      .split('\0')
      .slice(1)
      .filter((path) => path !== ''),
  );
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}
