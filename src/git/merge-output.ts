import type { ConflictFile, ConflictKind } from './conflict-types.js';

/**
 * Pure parsers for `git merge-tree --write-tree -z` output (git 2.38+): the tree id, conflicted
 * stage entries, then messages as `<n> NUL <path>... NUL <type> NUL <text> NUL`.
 */
export interface StageEntry {
  mode: string;
  oid: string;
  stage: 1 | 2 | 3;
  path: string;
}

export interface MergeMessage {
  paths: string[];
  /** Stable machine type, e.g. `Auto-merging`, `CONFLICT (contents)`, `CONFLICT (modify/delete)`. */
  type: string;
  text: string;
}

export interface MergeTreeOutput {
  tree: string;
  entries: StageEntry[];
  messages: MergeMessage[];
}

export function parseMergeTreeOutput(stdout: string): MergeTreeOutput {
  const tokens = stdout.split('\0');
  const tree = tokens[0] ?? '';
  const entries: StageEntry[] = [];
  let index = 1;
  for (; index < tokens.length; index++) {
    const token = tokens[index] ?? '';
    if (token === '') break;
    const tab = token.indexOf('\t');
    const [mode = '', oid = '', stage = ''] = token.slice(0, tab).split(' ');
    entries.push({ mode, oid, stage: Number(stage) as 1 | 2 | 3, path: token.slice(tab + 1) });
  }
  index++;
  const messages: MergeMessage[] = [];
  while (index < tokens.length) {
    const count = Number(tokens[index]);
    if (tokens[index] === '' || !Number.isInteger(count)) break;
    const paths = tokens.slice(index + 1, index + 1 + count);
    const type = tokens[index + 1 + count] ?? '';
    const text = (tokens[index + 2 + count] ?? '').replace(/\n$/, '');
    messages.push({ paths, type, text });
    index += count + 3;
  }
  return { tree, entries, messages };
}

const kindByType: Record<string, ConflictKind> = {
  'CONFLICT (binary)': 'binary',
  'CONFLICT (modify/delete)': 'modify/delete',
  'CONFLICT (distinct modes)': 'mode',
  'CONFLICT (file/directory)': 'add/add',
  'CONFLICT (add/add)': 'add/add',
};

/** The kind a message gives a path; stronger kinds (binary, rename) win over a plain content notice. */
function kindOf(message: MergeMessage): ConflictKind | null {
  if (/rename/i.test(message.type)) return 'rename';
  const known = kindByType[message.type];
  if (known) return known;
  if (message.type === 'CONFLICT (contents)') {
    return message.text.startsWith('CONFLICT (add/add)') ? 'add/add' : 'content';
  }
  return message.type.startsWith('CONFLICT') ? 'content' : null;
}

const strength: Record<ConflictKind, number> = {
  content: 0,
  'add/add': 1,
  mode: 2,
  'modify/delete': 3,
  rename: 4,
  binary: 5,
};

const stageName = { 1: 'base', 2: 'ours', 3: 'theirs' } as const;

/**
 * One ConflictFile per conflicted path, kinds from git's messages (stages as a fallback).
 * `markedText` and `hunks` are filled later from the merged tree.
 */
export function classifyConflicts(output: MergeTreeOutput): ConflictFile[] {
  const files = new Map<string, ConflictFile>();
  for (const entry of output.entries) {
    let file = files.get(entry.path);
    if (!file) {
      file = { path: entry.path, kind: 'content', stages: {}, modes: {}, hunks: [], messages: [] };
      files.set(entry.path, file);
    }
    file.stages[stageName[entry.stage]] = entry.oid;
    file.modes[stageName[entry.stage]] = entry.mode;
  }
  for (const file of files.values()) {
    let kind: ConflictKind | null = null;
    for (const message of output.messages) {
      if (!message.paths.includes(file.path)) continue;
      file.messages.push(message.text);
      const found = kindOf(message);
      if (found && (kind === null || strength[found] > strength[kind])) kind = found;
      if (found === 'rename') file.renamedFrom ??= renameSource(message, file.path, files);
    }
    if (kind === null) kind = file.stages.base === undefined && file.stages.ours ? 'add/add' : 'content';
    file.kind = kind;
  }
  return [...files.values()];
}

/** The other path of a rename message that no side holds any more: where this file came from. */
function renameSource(
  message: MergeMessage,
  path: string,
  files: Map<string, ConflictFile>,
): string | undefined {
  return message.paths.find((other) => {
    const stages = files.get(other)?.stages;
    return other !== path && stages?.ours === undefined && stages?.theirs === undefined;
  });
}

/** One answer of `merge-tree --stdin -z --name-only --no-messages`: clean or the conflicted paths. */
export interface BatchAnswer {
  clean: boolean;
  tree: string;
  paths: string[];
}

export function parseStdinBatch(stdout: string): BatchAnswer[] {
  const tokens = stdout.split('\0');
  const answers: BatchAnswer[] = [];
  let index = 0;
  while (index < tokens.length && tokens[index] !== '') {
    const clean = tokens[index] === '1';
    const tree = tokens[index + 1] ?? '';
    index += 2;
    const paths: string[] = [];
    while (index < tokens.length && tokens[index] !== '') paths.push(tokens[index++] ?? '');
    index++;
    answers.push({ clean, tree, paths });
  }
  return answers;
}
