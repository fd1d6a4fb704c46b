import type { ConflictHunk, HunkPick } from '../../git/conflict-types.js';
import {
  applyFileAction,
  currentHunks,
  currentState,
  fileStatus,
  sessionResolved,
  sideExists,
  undoLast,
  type FileAction,
  type ResolutionSession,
  type SessionFile,
} from '../../git/resolution-session.js';
import { checkExhaustive } from '../../errors.js';
import type { ReviewCommand } from './keys.js';

/** The review view's state: pure, driven by key commands and by the results of effects. */
export interface Proposal {
  taskId: string;
  path: string;
  hunk: number;
  /** The hunk's text when asked: a proposal for a hunk that changed since is not shown. */
  key: string;
  lines: string[];
}

export interface ReviewMessage {
  level: 'info' | 'error';
  text: string;
}

export interface ReviewState {
  sessions: ResolutionSession[];
  task: number;
  file: number;
  hunk: number;
  proposal: Proposal | null;
  /** What runs now (editor, model, validation); keys other than leave wait. */
  busy: string | null;
  /** Output of the last validation run. */
  output: string;
  message: ReviewMessage | null;
}

export type ReviewAction =
  | { type: 'command'; command: ReviewCommand }
  | { type: 'apply'; task: number; file: number; action: FileAction }
  | { type: 'busy'; what: string | null }
  | { type: 'output'; chunk: string; reset?: boolean }
  | { type: 'proposal'; proposal: Proposal }
  | { type: 'committed'; taskId: string; commit: string; resolvedBy: string }
  | { type: 'message'; message: ReviewMessage | null };

const outputCap = 8_000;

export function initialReviewState(sessions: ResolutionSession[], taskId?: string): ReviewState {
  const task = Math.max(
    0,
    sessions.findIndex((session) => session.taskId === taskId),
  );
  const state: ReviewState = {
    sessions,
    task,
    file: 0,
    hunk: 0,
    proposal: null,
    busy: null,
    output: '',
    message: null,
  };
  return { ...state, file: firstUnresolved(state.sessions[task], 0) };
}

export function currentSession(state: ReviewState): ResolutionSession | undefined {
  return state.sessions[state.task];
}

export function currentFile(state: ReviewState): SessionFile | undefined {
  return currentSession(state)?.files[state.file];
}

export function hunkKey(file: SessionFile, hunk: number): string {
  return JSON.stringify(currentHunks(file)[hunk] ?? null);
}

/** The proposal for the hunk on screen, if one was asked for it and it still applies. */
export function visibleProposal(state: ReviewState): Proposal | null {
  const session = currentSession(state);
  const file = currentFile(state);
  const proposal = state.proposal;
  if (!proposal || !session || !file) return null;
  const same =
    proposal.taskId === session.taskId &&
    proposal.path === file.path &&
    proposal.hunk === state.hunk &&
    proposal.key === hunkKey(file, state.hunk);
  return same ? proposal : null;
}

function firstUnresolved(session: ResolutionSession | undefined, from: number): number {
  if (!session) return 0;
  const count = session.files.length;
  for (let step = 0; step < count; step++) {
    const index = (from + step) % count;
    const file = session.files[index];
    if (file && fileStatus(file) !== 'resolved') return index;
  }
  return Math.min(from, Math.max(0, count - 1));
}

function wrap(index: number, delta: number, count: number): number {
  return count === 0 ? 0 : (index + delta + count) % count;
}

function move(state: ReviewState, target: 'hunk' | 'file' | 'task', delta: 1 | -1): ReviewState {
  switch (target) {
    case 'hunk': {
      const file = currentFile(state);
      const count = file ? currentHunks(file).length : 0;
      return { ...state, hunk: Math.max(0, Math.min(count - 1, state.hunk + delta)) };
    }
    case 'file':
      return { ...state, file: wrap(state.file, delta, currentSession(state)?.files.length ?? 0), hunk: 0 };
    case 'task': {
      const task = wrap(state.task, delta, state.sessions.length);
      return { ...state, task, file: firstUnresolved(state.sessions[task], 0), hunk: 0 };
    }
  }
}

const hunkPicks: Partial<Record<ReviewCommand, HunkPick>> = {
  ours: { kind: 'ours' },
  theirs: { kind: 'theirs' },
  base: { kind: 'base' },
  'both-ours-first': { kind: 'both', order: 'ours-first' },
  'both-theirs-first': { kind: 'both', order: 'theirs-first' },
};

/** The file action a pick key means for the file on screen (sides for non-text files). */
export function actionFor(state: ReviewState, command: ReviewCommand): FileAction | string | null {
  const file = currentFile(state);
  if (!file) return 'No conflicted file here.';
  const pick = hunkPicks[command];
  if (pick) {
    if (!file.text) {
      if (command === 'ours' || command === 'theirs') return { kind: 'whole', side: command };
      return 'This file has no hunks: choose o ours, t theirs, d delete or a accept.';
    }
    if (currentState(file).kind === 'text' && currentHunks(file).length === 0) {
      return 'This file is resolved: z undoes, < or > takes a whole side.';
    }
    return { kind: 'hunk', hunk: state.hunk, pick };
  }
  switch (command) {
    case 'file-ours':
      return { kind: 'whole', side: 'ours' };
    case 'file-theirs':
      return { kind: 'whole', side: 'theirs' };
    case 'delete':
      return { kind: 'delete' };
    case 'accept':
      return { kind: 'accept' };
    case 'pick-proposal': {
      const proposal = visibleProposal(state);
      if (!proposal) return 'No proposal for this hunk: g asks the model for one.';
      return { kind: 'hunk', hunk: state.hunk, pick: { kind: 'edited', lines: proposal.lines } };
    }
    default:
      return null;
  }
}

function apply(state: ReviewState, task: number, fileIndex: number, action: FileAction): ReviewState {
  const session = state.sessions[task];
  if (!session) return state;
  const result = applyFileAction(session, fileIndex, action);
  if (!result.ok) return { ...state, message: { level: 'error', text: result.message } };
  const sessions = state.sessions.map((candidate, index) => (index === task ? result.session : candidate));
  const next: ReviewState = { ...state, sessions, message: null };
  if (task !== state.task || fileIndex !== state.file) return next;
  const file = result.session.files[fileIndex];
  if (file && fileStatus(file) === 'resolved') {
    // A settled file hands over to the next one that still needs the user.
    const following = firstUnresolved(result.session, fileIndex);
    const message: ReviewMessage | null = sessionResolved(result.session)
      ? { level: 'info', text: 'Every file is resolved: c validates and commits.' }
      : null;
    return { ...next, file: following, hunk: 0, message };
  }
  const hunks = file ? currentHunks(file).length : 0;
  return { ...next, hunk: Math.max(0, Math.min(state.hunk, hunks - 1)) };
}

/** Undo the session's latest change and show where it happened: that file, the hunk that came back. */
function undoLatest(state: ReviewState): ReviewState {
  const session = currentSession(state);
  if (!session) return state;
  if (session.committed)
    return { ...state, message: { level: 'error', text: 'This resolution is already committed.' } };
  const undone = undoLast(session);
  if (!undone) return { ...state, message: { level: 'error', text: 'Nothing to undo.' } };
  const before = session.files[undone.fileIndex];
  const after = undone.session.files[undone.fileIndex];
  const oldHunks = before ? currentHunks(before).map(sideKey) : [];
  const newHunks = after ? currentHunks(after).map(sideKey) : [];
  const changed = newHunks.findIndex((key, index) => key !== oldHunks[index]);
  const sessions = state.sessions.map((candidate, index) =>
    index === state.task ? undone.session : candidate,
  );
  return { ...state, sessions, file: undone.fileIndex, hunk: Math.max(0, changed), message: null };
}

function sideKey(hunk: ConflictHunk): string {
  return JSON.stringify([hunk.ours, hunk.base, hunk.theirs]);
}

export function reduceReview(state: ReviewState, action: ReviewAction): ReviewState {
  switch (action.type) {
    case 'command': {
      const command = action.command;
      switch (command) {
        case 'next-hunk':
        case 'prev-hunk':
          return move(state, 'hunk', command === 'next-hunk' ? 1 : -1);
        case 'next-file':
        case 'prev-file':
          return move(state, 'file', command === 'next-file' ? 1 : -1);
        case 'next-task':
        case 'prev-task':
          return move(state, 'task', command === 'next-task' ? 1 : -1);
        case 'undo':
          return state.busy ? state : undoLatest(state);
        default: {
          if (state.busy) return state;
          const fileAction = actionFor(state, command);
          if (fileAction === null) return state;
          if (typeof fileAction === 'string')
            return { ...state, message: { level: 'error', text: fileAction } };
          return apply(state, state.task, state.file, fileAction);
        }
      }
    }
    case 'apply':
      return apply(state, action.task, action.file, action.action);
    case 'busy':
      return { ...state, busy: action.what };
    case 'output': {
      const output = (action.reset ? '' : state.output) + action.chunk;
      return { ...state, output: output.length > outputCap ? output.slice(-outputCap) : output };
    }
    case 'proposal':
      return { ...state, proposal: action.proposal, message: null };
    case 'committed': {
      const sessions = state.sessions.map((session) =>
        session.taskId === action.taskId
          ? { ...session, committed: { commit: action.commit, resolvedBy: action.resolvedBy } }
          : session,
      );
      return {
        ...state,
        sessions,
        message: { level: 'info', text: `Committed ${action.commit.slice(0, 10)} into the result branch.` },
      };
    }
    case 'message':
      return { ...state, message: action.message };
    default:
      return checkExhaustive(action);
  }
}

/** One word for where a file stands, for the file list. */
export function describeFile(file: SessionFile): string {
  const state = currentState(file);
  switch (state.kind) {
    case 'text': {
      const hunks = currentHunks(file).length;
      if (fileStatus(file) === 'broken') return 'broken markers: edit with E';
      if (hunks > 0) return `${hunks} hunk${hunks === 1 ? '' : 's'} left`;
      if (file.structured && file.history.length === 2)
        return 'merged by structure (z: back to the conflict)';
      return file.history.length > 1 ? 'resolved' : 'no markers';
    }
    case 'side':
      return sideExists(file, state.side) ? state.side : `${state.side} (deleted)`;
    case 'merged':
      return "git's version";
    case 'delete':
      return 'deleted';
    case 'open':
      return 'choose a side';
  }
}
