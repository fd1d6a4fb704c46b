import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StructuredMerger } from '../../src/git/structured/structured-merge.js';

/** One three-way case: `expected` is the right merge, or null when a person must decide. */
export interface CorpusCase {
  name: string;
  /** File name the sides stand for (its extension picks the language). */
  file: string;
  base: string;
  ours: string;
  theirs: string;
  expected: string | null;
  note: string;
}

export type Outcome = 'clean-correct' | 'conflict' | 'wrong';

export const casesDir = fileURLToPath(new URL('./cases/', import.meta.url));

export function loadCorpus(dir = casesDir): CorpusCase[] {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const folder = join(dir, name);
      const files = readdirSync(folder);
      const side = (prefix: string): string | undefined =>
        files.find((file) => file.startsWith(`${prefix}.`));
      const base = side('base');
      if (!base) throw new Error(`corpus case ${name} has no base file`);
      const read = (file: string | undefined): string => readFileSync(join(folder, file ?? ''), 'utf8');
      const expected = side('expected');
      return {
        name,
        file: `file${base.slice(base.indexOf('.'))}`,
        base: read(base),
        ours: read(side('ours')),
        theirs: read(side('theirs')),
        expected: existsSync(join(folder, 'conflict')) ? null : read(expected),
        note: read('README').trim(),
      };
    });
}

/** git's own line merge (the same xdiff merge `merge-tree` runs): the text, or null on conflict. */
export function gitMerge(item: CorpusCase): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-corpus-'));
  try {
    for (const side of ['base', 'ours', 'theirs'] as const) writeFileSync(join(dir, side), item[side]);
    try {
      return execFileSync('git', ['merge-file', '-p', 'ours', 'base', 'theirs'], {
        cwd: dir,
        encoding: 'utf8',
      });
    } catch {
      return null;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** maestro's merge: git's, and where git conflicts, the structured merge. */
export async function maestroMerge(merger: StructuredMerger, item: CorpusCase): Promise<string | null> {
  return gitMerge(item) ?? merger.mergeFile(item.file, item.base, item.ours, item.theirs);
}

/** A clean result counts only when it equals the expected text; any other clean result is wrong. */
export function judge(item: CorpusCase, result: string | null): Outcome {
  if (result === null) return 'conflict';
  return result === item.expected ? 'clean-correct' : 'wrong';
}
