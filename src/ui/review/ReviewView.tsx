import { useEffect, useReducer, useRef, type ReactNode } from 'react';
import { Box, Text, useApp, useWindowSize } from 'ink';
import type { ConflictHunk } from '../../git/conflict-types.js';
import { linesOfText, splitLines } from '../../git/conflict-model.js';
import type { CommitOutcome } from '../../git/resolution.js';
import {
  currentHunks,
  currentState,
  sessionResolved,
  type FileAction,
  type ResolutionSession,
  type SessionFile,
} from '../../git/resolution-session.js';
import { KeypressProvider, useKeypress } from '../keypress.js';
import type { KeyPress } from '../keymap.js';
import { editInEditor } from './editor.js';
import { reviewCommandFor, reviewHelp, type ReviewCommand } from './keys.js';
import { FileDetail, FileList, TaskBar, resolvedCount } from './ReviewPanes.js';
import {
  currentFile,
  currentSession,
  hunkKey,
  initialReviewState,
  reduceReview,
  visibleProposal,
  type ReviewState,
} from './review-state.js';

/** What the review needs from the outside world; the lead wires git, the journal and the model. */
export interface ReviewServices {
  /** Persist a session after every pick (resolution.ts `saveSession`). */
  save: (session: ResolutionSession) => Promise<void>;
  /** Validate and commit a resolved session, streaming validation output. */
  commit: (session: ResolutionSession, onOutput: (chunk: string) => void) => Promise<CommitOutcome>;
  /** Ask the task's model for a resolution of one hunk: its proposed lines. */
  propose?: (
    hunk: ConflictHunk,
    context: { session: ResolutionSession; file: SessionFile },
  ) => Promise<string[]>;
  /** Edit text in an editor; defaults to `$EDITOR` with Ink suspended. Null when cancelled. */
  edit?: (text: string, path: string) => Promise<string | null>;
}

export interface ReviewViewProps {
  sessions: ResolutionSession[];
  services: ReviewServices;
  /** The task shown first. */
  taskId?: string;
  onLeave: () => void;
  size: { width: number; height: number };
  env?: NodeJS.ProcessEnv;
}

function hunkText(file: SessionFile, hunk: ConflictHunk): string {
  const state = currentState(file);
  const text = state.kind === 'text' ? state.text.replace(/^\uFEFF/, '') : '';
  return splitLines(text)
    .slice(hunk.start, hunk.end + 1)
    .map((line) => line.text + line.eol)
    .join('');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Keys → reducer for picks and moves; editor, model, commit and leave run here as effects. */
export function ReviewView(props: ReviewViewProps): ReactNode {
  const [state, dispatch] = useReducer(reduceReview, undefined, () =>
    initialReviewState(props.sessions, props.taskId),
  );
  const stateRef = useRef<ReviewState>(state);
  stateRef.current = state;
  const { suspendTerminal } = useApp();
  const saved = useRef(new Map(props.sessions.map((session) => [session.taskId, session])));
  const saving = useRef<Promise<void>>(Promise.resolve());

  // Every pick is written at once, in order.
  useEffect(() => {
    for (const session of state.sessions) {
      const previous = saved.current.get(session.taskId);
      if (previous === session) continue;
      saved.current.set(session.taskId, session);
      // The commit saved the session itself; the reducer only mirrors it.
      if (previous?.picks === session.picks && session.committed && !previous.committed) continue;
      saving.current = saving.current
        .then(() => props.services.save(session))
        .catch((error: unknown) =>
          dispatch({
            type: 'message',
            message: { level: 'error', text: `Could not save: ${errorText(error)}` },
          }),
        );
    }
  }, [state.sessions, props.services]);

  const run = (what: string, task: () => Promise<void>): void => {
    dispatch({ type: 'busy', what });
    task()
      .catch((error: unknown) =>
        dispatch({ type: 'message', message: { level: 'error', text: errorText(error) } }),
      )
      .finally(() => dispatch({ type: 'busy', what: null }));
  };

  const edit = (text: string, path: string): Promise<string | null> =>
    props.services.edit
      ? props.services.edit(text, path)
      : editInEditor(suspendTerminal, props.env ?? process.env, text, path);

  const effect = (command: ReviewCommand): void => {
    const current = stateRef.current;
    const session = currentSession(current);
    const file = currentFile(current);
    const say = (text: string): void => dispatch({ type: 'message', message: { level: 'error', text } });
    const at = { task: current.task, file: current.file };
    const apply = (action: FileAction): void => dispatch({ type: 'apply', ...at, action });
    switch (command) {
      case 'leave':
        props.onLeave();
        return;
      case 'commit':
        if (!session) return;
        if (session.committed) return say('This task is already committed.');
        if (!sessionResolved(session)) {
          return say(`${session.files.length - resolvedCount(session)} file(s) still unresolved.`);
        }
        dispatch({ type: 'output', chunk: '', reset: true });
        return run('validating and committing', async () => {
          // The last pick must be on disk first: two writers of the session file must not overlap.
          await saving.current;
          const outcome = await props.services.commit(session, (chunk) =>
            dispatch({ type: 'output', chunk }),
          );
          if (outcome.ok) {
            dispatch({
              type: 'committed',
              taskId: session.taskId,
              commit: outcome.commit,
              resolvedBy: outcome.resolvedBy,
            });
          } else say(outcome.message);
        });
      case 'edit':
      case 'edit-file': {
        if (!file || !file.text) return say('Only text conflicts can be edited; choose a side.');
        const hunk = currentHunks(file)[current.hunk];
        const state = currentState(file);
        const whole = command === 'edit-file' || !hunk;
        const text = whole ? (state.kind === 'text' ? state.text : '') : hunkText(file, hunk);
        return run('editing', async () => {
          const edited = await edit(text, file.path);
          if (edited === null) return say('The editor failed; nothing changed.');
          if (whole) apply({ kind: 'content', text: edited });
          else
            apply({ kind: 'hunk', hunk: current.hunk, pick: { kind: 'edited', lines: linesOfText(edited) } });
        });
      }
      case 'propose': {
        const hunk = file ? currentHunks(file)[current.hunk] : undefined;
        if (!session || !file || !hunk) return say('No hunk here to ask about.');
        const propose = props.services.propose;
        if (!propose) return say('No model is available to propose a resolution here.');
        const key = hunkKey(file, current.hunk);
        return run("asking the task's model", async () => {
          const lines = await propose(hunk, { session, file });
          dispatch({
            type: 'proposal',
            proposal: { taskId: session.taskId, path: file.path, hunk: current.hunk, key, lines },
          });
        });
      }
      default:
        dispatch({ type: 'command', command });
    }
  };

  useKeypress(
    (key: KeyPress) => {
      const command = reviewCommandFor(key);
      // While the editor, the model or validation runs, keys wait (leave included: the commit must land).
      if (command && !stateRef.current.busy) effect(command);
      return true;
    },
    { priority: 1 },
  );

  return <ReviewFrame state={state} width={props.size.width} height={props.size.height} />;
}

function ReviewFrame(props: { state: ReviewState; width: number; height: number }): ReactNode {
  const { state } = props;
  const session = currentSession(state);
  const file = currentFile(state);
  if (!session) {
    return (
      <Box flexDirection="column" width={props.width} height={props.height}>
        <Text>No conflicts await review.</Text>
        <Text dimColor>q leaves</Text>
      </Box>
    );
  }
  const fileRows = Math.min(session.files.length, Math.max(2, Math.floor(props.height / 4)));
  const outputLines = state.output ? state.output.trimEnd().split('\n').slice(-5) : [];
  const help = reviewHelp(props.width);
  const fixedRows = 4 + help.length + fileRows + outputLines.length + (state.sessions.length > 1 ? 1 : 0);
  const hunks = file ? currentHunks(file).length : 0;
  const title = file
    ? `${file.path} · ${file.kind}${hunks > 0 ? ` · hunk ${state.hunk + 1}/${hunks}` : ''}`
    : '';
  return (
    <Box flexDirection="column" width={props.width} height={props.height} overflow="hidden">
      <Text bold wrap="truncate">
        Conflict review · run {session.runId} · task {session.taskId} ({session.labels.theirs}) ·{' '}
        {session.committed
          ? `committed ${session.committed.commit.slice(0, 10)}`
          : `${resolvedCount(session)}/${session.files.length} files resolved`}
      </Text>
      {state.sessions.length > 1 ? (
        <TaskBar sessions={state.sessions} current={state.task} width={props.width} />
      ) : null}
      <FileList session={session} current={state.file} rows={fileRows} />
      <Text dimColor wrap="truncate">
        {`── ${title} `.padEnd(props.width, '─')}
      </Text>
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {file ? (
          <FileDetail
            session={session}
            file={file}
            hunk={state.hunk}
            proposal={visibleProposal(state)}
            rows={Math.max(3, props.height - fixedRows)}
          />
        ) : null}
      </Box>
      {outputLines.map((line, index) => (
        <Text key={index} dimColor wrap="truncate">
          {line}
        </Text>
      ))}
      <Text color={state.message?.level === 'error' ? 'red' : 'green'} wrap="truncate">
        {state.busy ? `… ${state.busy}` : (state.message?.text ?? ' ')}
      </Text>
      {help.map((line, index) => (
        <Text key={`help-${index}`} dimColor wrap="truncate">
          {line}
        </Text>
      ))}
    </Box>
  );
}

/** `maestro resolve`: the review full screen, one row shorter than the terminal. */
export function ReviewApp(props: Omit<ReviewViewProps, 'size'>): ReactNode {
  return (
    <KeypressProvider>
      <SizedReview {...props} />
    </KeypressProvider>
  );
}

function SizedReview(props: Omit<ReviewViewProps, 'size'>): ReactNode {
  const { columns, rows } = useWindowSize();
  return <ReviewView {...props} size={{ width: Math.max(40, columns), height: Math.max(12, rows - 1) }} />;
}
