/**
 * The shared shape of a conflict, by line (after lazygit's mergeconflicts model). Produced by the
 * pure parser in conflict-model.ts, carried in merge results, consumed by the review UI.
 */
export interface ConflictHunk {
  /** 0-based index of the `<<<<<<<` line in the file as parsed. */
  start: number;
  /** 0-based index of the `>>>>>>>` line. */
  end: number;
  /** Lines of each side, without line terminators. `base` is absent for plain (non-diff3) markers. */
  ours: string[];
  base?: string[];
  theirs: string[];
  labels: { ours: string; base?: string; theirs: string };
}

/** How a hunk was settled: one side, both in either order, or text the user edited. */
export type HunkPick =
  | { kind: 'ours' }
  | { kind: 'theirs' }
  | { kind: 'base' }
  | { kind: 'both'; order: 'ours-first' | 'theirs-first' }
  | { kind: 'edited'; lines: string[] };

export type ConflictKind = 'content' | 'add/add' | 'modify/delete' | 'rename' | 'binary' | 'mode';

/** One conflicted path of a merge of a task branch (theirs) into the result branch (ours). */
export interface ConflictFile {
  path: string;
  kind: ConflictKind;
  /** Blob ids of the three stages where present (1 base, 2 ours, 3 theirs). */
  stages: { base?: string; ours?: string; theirs?: string };
  modes: { base?: string; ours?: string; theirs?: string };
  /** For content and add/add conflicts: the file with zdiff3 markers as git wrote it into the merged tree. */
  markedText?: string;
  hunks: ConflictHunk[];
  /** For renames: the other paths involved, as git reported them. */
  renamedFrom?: string;
  /** git's own message lines about this path. */
  messages: string[];
}
