import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { ConflictHunk } from '../../git/conflict-types.js';
import {
  currentHunks,
  currentState,
  fileStatus,
  sideExists,
  type ResolutionSession,
  type SessionFile,
  type Side,
} from '../../git/resolution-session.js';
import { highlightLine, languageOf, type TokenKind } from './highlight.js';
import { describeFile, type Proposal } from './review-state.js';
import { resolvedRegions } from './resolved-regions.js';

const tokenColor: Record<TokenKind, string | undefined> = {
  plain: undefined,
  keyword: 'magenta',
  string: 'green',
  comment: 'gray',
  number: 'yellow',
};

const statusGlyph = { resolved: ['✓', 'green'], unresolved: ['✗', 'red'], broken: ['!', 'red'] } as const;

function resolvedLabel(file: SessionFile): string {
  if (currentState(file).kind === 'delete') return 'deleted';
  // Undoing a structured merge gives back git's conflict, hunks and all.
  return file.structured && file.history.length === 2 ? 'merged by structure' : 'resolved';
}

export function resolvedCount(session: ResolutionSession): number {
  return session.files.filter((file) => fileStatus(file) === 'resolved').length;
}

/** One line per conflicted task: which is shown, how far along each is. */
export function TaskBar(props: { sessions: ResolutionSession[]; current: number; width: number }): ReactNode {
  return (
    <Text wrap="truncate">
      {props.sessions.map((session, index) => {
        const done = session.committed ? 'committed' : `${resolvedCount(session)}/${session.files.length}`;
        return (
          <Text key={session.taskId} inverse={index === props.current}>
            {` ${session.taskId} [${done}] `}
          </Text>
        );
      })}
    </Text>
  );
}

export function FileList(props: { session: ResolutionSession; current: number; rows: number }): ReactNode {
  const { files } = props.session;
  const rows = Math.max(1, props.rows);
  const first = Math.max(0, Math.min(props.current - Math.floor(rows / 2), files.length - rows));
  const width = Math.min(40, Math.max(...files.map((file) => file.path.length)));
  return (
    <Box flexDirection="column">
      {files.slice(first, first + rows).map((file, offset) => {
        const index = first + offset;
        const [glyph, color] = statusGlyph[fileStatus(file)];
        return (
          <Text key={file.path} wrap="truncate">
            {index === props.current ? '▸ ' : '  '}
            <Text color={color}>{glyph}</Text> {file.path.padEnd(width)}{' '}
            <Text dimColor>{file.kind.padEnd(14)}</Text>
            {describeFile(file)}
          </Text>
        );
      })}
    </Box>
  );
}

function CodeLines(props: {
  lines: string[];
  language: string | null;
  rows: number;
  prefix: string;
}): ReactNode {
  const shown = props.lines.slice(0, props.rows);
  const hidden = props.lines.length - shown.length;
  return (
    <>
      {props.lines.length === 0 ? (
        <Text dimColor>{`${props.prefix}(nothing)`}</Text>
      ) : (
        shown.map((line, index) => (
          <Text key={index} wrap="truncate">
            {props.prefix}
            {highlightLine(line, props.language).map((token, at) => (
              <Text key={at} color={tokenColor[token.kind]} dimColor={token.kind === 'comment'}>
                {token.text}
              </Text>
            ))}
          </Text>
        ))
      )}
      {hidden > 0 ? (
        <Text dimColor>{`${props.prefix}… ${hidden} more line${hidden === 1 ? '' : 's'}`}</Text>
      ) : null}
    </>
  );
}

function SideBlock(props: {
  title: string;
  label: string;
  color: string;
  lines: string[];
  language: string | null;
  rows: number;
}): ReactNode {
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text color={props.color} bold>
          {props.title}
        </Text>
        <Text dimColor> {props.label}</Text>
      </Text>
      <CodeLines lines={props.lines} language={props.language} rows={props.rows} prefix="  " />
    </Box>
  );
}

export function HunkView(props: {
  session: ResolutionSession;
  file: SessionFile;
  hunk: ConflictHunk;
  proposal: Proposal | null;
  rows: number;
}): ReactNode {
  const { hunk, session } = props;
  const language = languageOf(props.file.path);
  const sections = (hunk.base ? 3 : 2) + (props.proposal ? 1 : 0);
  // Each section spends one row on its title and possibly one on "… more lines".
  const rows = Math.max(1, Math.floor(props.rows / sections) - 2);
  return (
    <Box flexDirection="column">
      {hunk.base ? (
        <SideBlock
          title="base (b)"
          label={hunk.labels.base ?? ''}
          color="gray"
          lines={hunk.base}
          language={language}
          rows={rows}
        />
      ) : null}
      <SideBlock
        title="ours (o)"
        label={session.labels.ours}
        color="green"
        lines={hunk.ours}
        language={language}
        rows={rows}
      />
      <SideBlock
        title="theirs (t)"
        label={session.labels.theirs}
        color="cyan"
        lines={hunk.theirs}
        language={language}
        rows={rows}
      />
      {props.proposal ? (
        <SideBlock
          title="proposal (p)"
          label="from the task's model, not applied"
          color="magenta"
          lines={props.proposal.lines}
          language={language}
          rows={rows}
        />
      ) : null}
    </Box>
  );
}

function sideText(file: SessionFile, side: Side): string {
  if (!sideExists(file, side)) return 'deleted on this side';
  const mode = file.modes[side];
  return `${file.stages[side]?.slice(0, 10) ?? ''}${mode ? ` (mode ${mode})` : ''}`;
}

/** Binary, modify/delete, rename and mode conflicts: a choice between the sides. */
export function ChoiceView(props: { session: ResolutionSession; file: SessionFile }): ReactNode {
  const { file, session } = props;
  const state = currentState(file);
  const chosen = (kind: string, side?: Side): string =>
    state.kind === kind && (side === undefined || (state.kind === 'side' && state.side === side))
      ? ' ◂ chosen'
      : '';
  return (
    <Box flexDirection="column">
      {file.messages.map((message, index) => (
        <Text key={index} dimColor wrap="truncate">
          {message}
        </Text>
      ))}
      {file.renamedFrom ? <Text dimColor>renamed from {file.renamedFrom}</Text> : null}
      <Text wrap="truncate">
        <Text color="green">o</Text> ours · {session.labels.ours}: {sideText(file, 'ours')}
        {chosen('side', 'ours')}
      </Text>
      <Text wrap="truncate">
        <Text color="cyan">t</Text> theirs · {session.labels.theirs}: {sideText(file, 'theirs')}
        {chosen('side', 'theirs')}
      </Text>
      <Text wrap="truncate">
        <Text color="red">d</Text> delete the file{chosen('delete')}
      </Text>
      <Text wrap="truncate">
        <Text color="yellow">a</Text> accept the version git left in the merged tree{chosen('merged')}
      </Text>
    </Box>
  );
}

/** The detail for the selected file: the hunk on screen, the sides to choose, or its outcome. */
export function FileDetail(props: {
  session: ResolutionSession;
  file: SessionFile;
  hunk: number;
  proposal: Proposal | null;
  rows: number;
}): ReactNode {
  const { file } = props;
  if (!file.text) return <ChoiceView session={props.session} file={file} />;
  const hunks = currentHunks(file);
  const hunk = hunks[props.hunk];
  if (hunk) {
    return (
      <HunkView session={props.session} file={file} hunk={hunk} proposal={props.proposal} rows={props.rows} />
    );
  }
  const status = fileStatus(file);
  if (status === 'broken')
    return <Text color="red">The conflict markers are broken: E edits the whole file.</Text>;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text color="green">✓</Text> {resolvedLabel(file)}
        {currentState(file).kind === 'text' ? ' · c commits these lines' : ''}: z undoes, E edits the whole
        file
      </Text>
      <ResolvedLines file={file} rows={props.rows - 1} />
    </Box>
  );
}

/** The lines the picks and edits wrote into a resolved text file, each block under its line numbers. */
function ResolvedLines(props: { file: SessionFile; rows: number }): ReactNode {
  const regions = resolvedRegions(props.file);
  const language = languageOf(props.file.path);
  const blocks: ReactNode[] = [];
  let left = props.rows;
  for (const [index, region] of regions.entries()) {
    // A title, at least one line and maybe "… more lines"; else say how many blocks are not shown.
    if (left < 3) {
      blocks.push(
        <Text key="more" dimColor>
          {`… ${regions.length - index} more changed block(s)`}
        </Text>,
      );
      break;
    }
    const first = region.start + 1;
    const last = region.start + region.lines.length;
    const where = region.lines.length <= 1 ? `line ${first}` : `lines ${first}–${last}`;
    const rows = Math.min(Math.max(1, region.lines.length), left - 2);
    blocks.push(
      <Box key={region.start} flexDirection="column">
        <Text dimColor>
          {region.lines.length === 0 ? `at line ${first}: nothing (the hunk is removed)` : where}
        </Text>
        {region.lines.length > 0 ? (
          <CodeLines lines={region.lines} language={language} rows={rows} prefix="  " />
        ) : null}
      </Box>,
    );
    left -= 1 + Math.max(1, Math.min(region.lines.length, rows + 1));
  }
  return <>{blocks}</>;
}
