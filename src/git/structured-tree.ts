import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitLine } from './runner.js';
import type { ConflictFile } from './conflict-types.js';
import type { StructuredMerger } from './structured/structured-merge.js';

/** Files larger than this stay with git's conflict: parsing them three times is not worth the wait. */
const maxStructuredBytes = 512 * 1024;

export interface StructuredOutcome {
  /** The merged tree with every file the structured merge settled written in. */
  tree: string;
  /** What is still conflicted (git's hunks unchanged). */
  conflicts: ConflictFile[];
  /** The paths merged by structure, in git's order. */
  structured: string[];
  /** Their merged texts, by path. */
  settled: Record<string, string>;
}

/**
 * Try the structured merge on each content conflict git left (both sides edited, all three
 * versions present, one language it knows) and write what it settles into git's merged tree.
 * Everything it does not settle stays exactly as git reported it.
 */
export async function settleByStructure(
  repo: string,
  merge: { tree: string; conflicts: ConflictFile[] },
  merger: StructuredMerger,
): Promise<StructuredOutcome> {
  const candidates = merge.conflicts.filter(
    (file) =>
      file.kind === 'content' &&
      file.stages.base !== undefined &&
      file.stages.ours !== undefined &&
      file.stages.theirs !== undefined &&
      file.modes.ours === file.modes.theirs &&
      merger.handles(file.path),
  );
  if (candidates.length === 0) return { ...merge, structured: [], settled: {} };
  const blobs = await readBlobs(
    repo,
    candidates.flatMap((file) => [file.stages.base, file.stages.ours, file.stages.theirs] as string[]),
  );
  const settled = new Map<ConflictFile, string>();
  for (const file of candidates) {
    const [base, ours, theirs] = [file.stages.base, file.stages.ours, file.stages.theirs].map((oid) =>
      blobs.get(oid as string),
    );
    if (base === undefined || ours === undefined || theirs === undefined) continue;
    const merged = await merger.mergeFile(file.path, base, ours, theirs);
    if (merged !== null) settled.set(file, merged);
  }
  if (settled.size === 0) return { ...merge, structured: [], settled: {} };
  const tree = await replaceFiles(repo, merge.tree, settled);
  return {
    tree,
    conflicts: merge.conflicts.filter((file) => !settled.has(file)),
    structured: [...settled.keys()].map((file) => file.path),
    settled: Object.fromEntries([...settled].map(([file, text]) => [file.path, text])),
  };
}

/** Text blobs by id; binary or oversized ones are left out. */
async function readBlobs(repo: string, oids: string[]): Promise<Map<string, string>> {
  const blobs = new Map<string, string>();
  await Promise.all(
    [...new Set(oids)].map(async (oid) => {
      const text = (await git(['cat-file', 'blob', oid], { cwd: repo })).stdout;
      if (text.length <= maxStructuredBytes && !text.includes('\0')) blobs.set(oid, text);
    }),
  );
  return blobs;
}

/** git's merged tree with some files' contents replaced, through a throwaway index. */
async function replaceFiles(repo: string, tree: string, files: Map<ConflictFile, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'maestro-structured-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    const lines: string[] = [];
    for (const [file, text] of files) {
      const oid = await gitLine(['hash-object', '-w', '--stdin'], { cwd: repo, input: text });
      lines.push(`${file.modes.ours ?? '100644'} ${oid}\t${file.path}`);
    }
    await git(['read-tree', tree], { cwd: repo, env });
    await git(['update-index', '--index-info'], { cwd: repo, env, input: `${lines.join('\n')}\n` });
    return await gitLine(['write-tree'], { cwd: repo, env });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
