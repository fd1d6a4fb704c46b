import type { ConflictFile, ConflictHunk, ConflictKind, HunkPick } from './conflict-types.js';
import {
  isResolved,
  parseConflicts,
  serialise,
  applyPick,
  type ParsedConflictFile,
} from './conflict-model.js';

/**
 * A task's conflict resolution as pure data: per conflicted path, a stack of states (every pick
 * pushes, undo pops). Persisted as JSON by resolution.ts after every change, so leaving half-way
 * keeps every pick.
 */

export type Side = 'ours' | 'theirs';

/** What a conflicted path becomes in the merged tree. */
export type FileState =
  /** Text content (with or without markers left). */
  | { kind: 'text'; text: string }
  /** One side's entry at this path (blob and mode; absent on that side means deleted). */
  | { kind: 'side'; side: Side }
  /** The entry git left in the merged tree, as it stands. */
  | { kind: 'merged' }
  | { kind: 'delete' }
  /** Nothing chosen yet (non-text conflicts start here). */
  | { kind: 'open' };

export interface SessionFile {
  path: string;
  kind: ConflictKind;
  stages: ConflictFile['stages'];
  modes: ConflictFile['modes'];
  renamedFrom?: string;
  messages: string[];
  /** Text files are resolved hunk by hunk; the others by choosing a side. */
  text: boolean;
  /** Whole texts of each side (text files only), for whole-file picks and display. */
  sides: { ours?: string; theirs?: string };
  history: FileState[];
  /** Settled by the structured merge: its result is the second state; undo turns it back into git's conflict. */
  structured?: boolean;
}

export interface PickRecord {
  path: string;
  /** Hunk index for hunk picks, -1 for whole-file actions. */
  hunk: number;
  pick: string;
}

export interface ResolutionSession {
  version: 1;
  runId: string;
  taskId: string;
  /** Display labels: ours is the result branch (and the tasks merged so far), theirs the task. */
  labels: { ours: string; theirs: string };
  resultCommit: string;
  taskCommit: string;
  mergeTree: string;
  files: SessionFile[];
  /** Every pick in order, journaled as `conflict.pick` on commit. */
  picks: PickRecord[];
  /** File index of every state pushed, in order: undo walks back across files. */
  order: number[];
  committed?: { commit: string; resolvedBy: string };
}

export type FileAction =
  | { kind: 'hunk'; hunk: number; pick: HunkPick }
  /** The whole text replaced (edited in `$EDITOR`). */
  | { kind: 'content'; text: string }
  | { kind: 'whole'; side: Side }
  | { kind: 'delete' }
  /** Take the file as git left it in the merged tree (non-text conflicts). */
  | { kind: 'accept' }
  | { kind: 'undo' };

export type ActionResult = { ok: true; session: ResolutionSession } | { ok: false; message: string };

export type FileStatus = 'resolved' | 'unresolved' | 'broken';

export interface SessionInput {
  runId: string;
  taskId: string;
  labels: { ours: string; theirs: string };
  resultCommit: string;
  taskCommit: string;
  mergeTree: string;
  files: ConflictFile[];
  /** Whole texts of the sides of each text file, by path (read from the stage blobs). */
  sideTexts: Record<string, { ours?: string; theirs?: string }>;
  /** Texts the structured merge settled, by path: those files start resolved, one undo from git's conflict. */
  settled?: Record<string, string>;
}

/** Content and add/add conflicts carrying markers are resolved as text; the rest by sides. */
export function isTextConflict(file: ConflictFile): boolean {
  // git 2.39 reports binary clashes as `CONFLICT (contents)`: a NUL byte tells them apart.
  return (
    (file.kind === 'content' || file.kind === 'add/add') &&
    file.markedText !== undefined &&
    !file.markedText.includes('\0')
  );
}

export function createSession(input: SessionInput): ResolutionSession {
  const session = openedSession(input);
  for (const [index, file] of session.files.entries()) {
    const settled = input.settled?.[file.path];
    if (settled === undefined || !file.text) continue;
    file.history.push({ kind: 'text', text: settled });
    file.structured = true;
    session.order.push(index);
    session.picks.push({ path: file.path, hunk: -1, pick: 'structured' });
  }
  return session;
}

function openedSession(input: SessionInput): ResolutionSession {
  return {
    version: 1,
    runId: input.runId,
    taskId: input.taskId,
    labels: input.labels,
    resultCommit: input.resultCommit,
    taskCommit: input.taskCommit,
    mergeTree: input.mergeTree,
    picks: [],
    order: [],
    files: input.files.map((file) => {
      const text = isTextConflict(file);
      const sessionFile: SessionFile = {
        path: file.path,
        kind: file.kind,
        stages: file.stages,
        modes: file.modes,
        messages: file.messages,
        text,
        sides: text ? (input.sideTexts[file.path] ?? {}) : {},
        history: [text ? { kind: 'text', text: file.markedText ?? '' } : { kind: 'open' }],
      };
      if (file.renamedFrom !== undefined) sessionFile.renamedFrom = file.renamedFrom;
      return sessionFile;
    }),
  };
}

export function currentState(file: SessionFile): FileState {
  return file.history[file.history.length - 1] ?? { kind: 'open' };
}

/** The parsed current text of a text file in a text state, else null. */
export function parsedText(file: SessionFile): ParsedConflictFile | null {
  const state = currentState(file);
  return state.kind === 'text' ? parseConflicts(state.text) : null;
}

export function currentHunks(file: SessionFile): ConflictHunk[] {
  return parsedText(file)?.hunks ?? [];
}

export function fileStatus(file: SessionFile): FileStatus {
  const state = currentState(file);
  switch (state.kind) {
    case 'text': {
      const parsed = parseConflicts(state.text);
      if (parsed.error) return 'broken';
      return isResolved(state.text) ? 'resolved' : 'unresolved';
    }
    case 'open':
      return 'unresolved';
    case 'side':
    case 'merged':
    case 'delete':
      return 'resolved';
  }
}

export function sessionResolved(session: ResolutionSession): boolean {
  return session.files.every((file) => fileStatus(file) === 'resolved');
}

/** Whether a side has this path at all (a modify/delete side may not). */
export function sideExists(file: SessionFile, side: Side): boolean {
  return file.stages[side] !== undefined;
}

function describePick(pick: HunkPick): string {
  switch (pick.kind) {
    case 'both':
      return `both-${pick.order}`;
    case 'ours':
    case 'theirs':
    case 'base':
    case 'edited':
      return pick.kind;
  }
}

function nextState(file: SessionFile, action: Exclude<FileAction, { kind: 'undo' }>): FileState | string {
  const state = currentState(file);
  switch (action.kind) {
    case 'hunk': {
      if (state.kind !== 'text') return 'This file has no hunks to pick: choose a side for the whole file.';
      const parsed = parseConflicts(state.text);
      if (parsed.error) return `The markers are broken (${parsed.error.message}): edit the file with e.`;
      const hunk = parsed.hunks[action.hunk];
      if (!hunk) return 'No such hunk.';
      if (action.pick.kind === 'base' && hunk.base === undefined) return 'This hunk has no base section.';
      return { kind: 'text', text: serialise(applyPick(parsed, action.hunk, action.pick)) };
    }
    case 'content':
      return file.text ? { kind: 'text', text: action.text } : 'Only text files can be edited.';
    case 'whole': {
      if (!file.text) return { kind: 'side', side: action.side };
      const text = file.sides[action.side];
      return text === undefined ? { kind: 'delete' } : { kind: 'text', text };
    }
    case 'delete':
      return { kind: 'delete' };
    case 'accept':
      if (file.text) return 'A text conflict is accepted once its hunks are resolved.';
      return { kind: 'merged' };
  }
}

/** Apply one action to one file; the session is returned new, the input left untouched. */
export function applyFileAction(
  session: ResolutionSession,
  fileIndex: number,
  action: FileAction,
): ActionResult {
  const file = session.files[fileIndex];
  if (!file) return { ok: false, message: 'No such file.' };
  if (session.committed) return { ok: false, message: 'This resolution is already committed.' };
  let history: FileState[];
  let pick: PickRecord;
  let order: number[];
  if (action.kind === 'undo') {
    if (file.history.length <= 1) return { ok: false, message: 'Nothing to undo in this file.' };
    history = file.history.slice(0, -1);
    pick = { path: file.path, hunk: -1, pick: 'undo' };
    const last = session.order.lastIndexOf(fileIndex);
    order = last < 0 ? session.order : [...session.order.slice(0, last), ...session.order.slice(last + 1)];
  } else {
    const next = nextState(file, action);
    if (typeof next === 'string') return { ok: false, message: next };
    history = [...file.history, next];
    pick =
      action.kind === 'hunk'
        ? { path: file.path, hunk: action.hunk, pick: describePick(action.pick) }
        : { path: file.path, hunk: -1, pick: action.kind === 'whole' ? `file-${action.side}` : action.kind };
    order = [...session.order, fileIndex];
  }
  const files = session.files.map((candidate, index) =>
    index === fileIndex ? { ...candidate, history } : candidate,
  );
  return { ok: true, session: { ...session, files, picks: [...session.picks, pick], order } };
}

/** Undo the latest change whichever file it was in; null when nothing is left to undo. */
export function undoLast(
  session: ResolutionSession,
): { session: ResolutionSession; fileIndex: number } | null {
  const fileIndex = session.order[session.order.length - 1];
  if (fileIndex === undefined) return null;
  const result = applyFileAction(session, fileIndex, { kind: 'undo' });
  return result.ok ? { session: result.session, fileIndex } : null;
}

/** The entry to write at a path when committing; `null` deletes it; 'merged' keeps git's. */
export type ResolvedEntry =
  | { kind: 'content'; text: string; mode: string }
  | { kind: 'blob'; oid: string; mode: string }
  | { kind: 'merged'; mode?: string }
  | { kind: 'delete' };

export function resolvedEntry(file: SessionFile): ResolvedEntry {
  const state = currentState(file);
  const defaultMode = file.modes.ours ?? file.modes.theirs ?? '100644';
  switch (state.kind) {
    case 'text':
      return { kind: 'content', text: state.text, mode: defaultMode };
    case 'delete':
      return { kind: 'delete' };
    case 'merged':
      return { kind: 'merged' };
    case 'side': {
      // A mode conflict keeps git's merged content and takes only the chosen side's mode.
      if (file.kind === 'mode') return { kind: 'merged', mode: file.modes[state.side] ?? defaultMode };
      const oid = file.stages[state.side];
      const mode = file.modes[state.side];
      return oid && mode ? { kind: 'blob', oid, mode } : { kind: 'delete' };
    }
    case 'open':
      throw new Error(`${file.path} is not resolved yet`);
  }
}
