import type { ConflictHunk, HunkPick } from './conflict-types.js';

/**
 * The pure conflict model (after lazygit's mergeconflicts): parse a file carrying plain, diff3 or
 * zdiff3 markers into hunks, settle hunks one pick at a time, and serialise back byte-exactly.
 * Every line keeps its own terminator, so CRLF, mixed endings, a BOM and a missing final newline
 * all survive a round trip.
 */

export type Eol = '\n' | '\r\n' | '';

export interface RawLine {
  text: string;
  /** '' only for the last line of a file without a final newline. */
  eol: Eol;
}

export interface ConflictSegment {
  kind: 'conflict';
  open: RawLine;
  ours: RawLine[];
  /** The `|||||||` line and the base side: present for diff3/zdiff3 markers only. */
  baseMarker?: RawLine;
  base?: RawLine[];
  separator: RawLine;
  theirs: RawLine[];
  close: RawLine;
}

export type Segment = { kind: 'text'; lines: RawLine[] } | ConflictSegment;

export interface ParseError {
  /** 0-based line of the marker that broke the structure. */
  line: number;
  message: string;
}

export interface ParsedConflictFile {
  bom: boolean;
  markerSize: number;
  segments: Segment[];
  hunks: ConflictHunk[];
  /** Set when markers are nested or unterminated; the file is then kept as one plain text segment. */
  error: ParseError | null;
}

export interface ParseOptions {
  /** git's `conflict-marker-size` attribute; 7 unless a .gitattributes says otherwise. */
  markerSize?: number;
}

type MarkerKind = 'open' | 'base' | 'separator' | 'close';

const BOM = '\uFEFF';

/** Split into lines that remember their terminators. */
export function splitLines(text: string): RawLine[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const last = parts.pop() ?? '';
  const lines: RawLine[] = parts.map((part) =>
    part.endsWith('\r') ? { text: part.slice(0, -1), eol: '\r\n' } : { text: part, eol: '\n' },
  );
  if (last !== '') lines.push({ text: last, eol: '' });
  return lines;
}

function markerOf(text: string, size: number): MarkerKind | null {
  const chars: Record<string, MarkerKind> = { '<': 'open', '|': 'base', '=': 'separator', '>': 'close' };
  const kind = chars[text[0] ?? ''];
  if (kind === undefined || text.length < size) return null;
  for (let i = 1; i < size; i++) if (text[i] !== text[0]) return null;
  const rest = text.slice(size);
  // A longer run (`<<<<<<<<`) or glued text is content, not a marker; the separator carries no label.
  if (kind === 'separator') return rest === '' ? kind : null;
  return rest === '' || rest.startsWith(' ') ? kind : null;
}

function labelOf(line: RawLine, size: number): string {
  return line.text.slice(size + 1);
}

export function parseConflicts(text: string, options: ParseOptions = {}): ParsedConflictFile {
  const size = options.markerSize ?? 7;
  const bom = text.startsWith(BOM);
  const lines = splitLines(bom ? text.slice(1) : text);
  const segments: Segment[] = [];
  let plain: RawLine[] = [];
  let current: Partial<ConflictSegment> & { ours: RawLine[]; theirs: RawLine[] } = { ours: [], theirs: [] };
  let state: 'outside' | 'ours' | 'base' | 'theirs' = 'outside';
  let openedAt = 0;
  const fail = (line: number, message: string): ParsedConflictFile => ({
    bom,
    markerSize: size,
    segments: lines.length > 0 ? [{ kind: 'text', lines }] : [],
    hunks: [],
    error: { line, message },
  });

  for (const [index, line] of lines.entries()) {
    const marker = markerOf(line.text, size);
    switch (state) {
      case 'outside':
        if (marker === 'open') {
          if (plain.length > 0) segments.push({ kind: 'text', lines: plain });
          plain = [];
          current = { open: line, ours: [], theirs: [] };
          state = 'ours';
          openedAt = index;
        } else {
          // Stray separators or closers outside a conflict are content (e.g. a setext heading).
          plain.push(line);
        }
        break;
      case 'ours':
        if (marker === 'open') return fail(index, `nested conflict marker at line ${index + 1}`);
        if (marker === 'close')
          return fail(index, `conflict closed without a separator at line ${index + 1}`);
        if (marker === 'base') {
          current.baseMarker = line;
          current.base = [];
          state = 'base';
        } else if (marker === 'separator') {
          current.separator = line;
          state = 'theirs';
        } else current.ours.push(line);
        break;
      case 'base':
        if (marker === 'open' || marker === 'base' || marker === 'close') {
          return fail(index, `unexpected conflict marker in the base section at line ${index + 1}`);
        }
        if (marker === 'separator') {
          current.separator = line;
          state = 'theirs';
        } else current.base?.push(line);
        break;
      case 'theirs':
        if (marker === 'open') return fail(index, `nested conflict marker at line ${index + 1}`);
        if (marker === 'base' || marker === 'separator') {
          return fail(index, `unexpected conflict marker in their section at line ${index + 1}`);
        }
        if (marker === 'close') {
          current.close = line;
          segments.push({ ...current, kind: 'conflict' } as ConflictSegment);
          state = 'outside';
        } else current.theirs.push(line);
        break;
    }
  }
  if (state !== 'outside') return fail(openedAt, `conflict opened at line ${openedAt + 1} is never closed`);
  if (plain.length > 0) segments.push({ kind: 'text', lines: plain });
  return { bom, markerSize: size, segments, hunks: hunksOf(segments, size), error: null };
}

function texts(lines: RawLine[]): string[] {
  return lines.map((line) => line.text);
}

function segmentLength(segment: Segment): number {
  if (segment.kind === 'text') return segment.lines.length;
  const baseLength = segment.baseMarker ? 1 + (segment.base?.length ?? 0) : 0;
  return 3 + segment.ours.length + baseLength + segment.theirs.length;
}

function hunksOf(segments: Segment[], size: number): ConflictHunk[] {
  const hunks: ConflictHunk[] = [];
  let position = 0;
  for (const segment of segments) {
    const length = segmentLength(segment);
    if (segment.kind === 'conflict') {
      const hunk: ConflictHunk = {
        start: position,
        end: position + length - 1,
        ours: texts(segment.ours),
        theirs: texts(segment.theirs),
        labels: { ours: labelOf(segment.open, size), theirs: labelOf(segment.close, size) },
      };
      if (segment.base) hunk.base = texts(segment.base);
      if (segment.baseMarker) hunk.labels.base = labelOf(segment.baseMarker, size);
      hunks.push(hunk);
    }
    position += length;
  }
  return hunks;
}

function rawLinesOf(segment: Segment): RawLine[] {
  if (segment.kind === 'text') return segment.lines;
  const base = segment.baseMarker ? [segment.baseMarker, ...(segment.base ?? [])] : [];
  return [segment.open, ...segment.ours, ...base, segment.separator, ...segment.theirs, segment.close];
}

/** The file's bytes again, exactly as parsed (or as picks have changed them). */
export function serialise(parsed: ParsedConflictFile): string {
  const body = parsed.segments
    .flatMap(rawLinesOf)
    .map((line) => line.text + line.eol)
    .join('');
  return parsed.bom ? BOM + body : body;
}

function resolvedLines(segment: ConflictSegment, pick: HunkPick): RawLine[] {
  const eol: Eol = segment.close.eol || segment.separator.eol || '\n';
  switch (pick.kind) {
    case 'ours':
      return segment.ours;
    case 'theirs':
      return segment.theirs;
    case 'base':
      if (!segment.base) throw new Error('this conflict has no base section (plain markers)');
      return segment.base;
    case 'both':
      return pick.order === 'ours-first'
        ? [...segment.ours, ...segment.theirs]
        : [...segment.theirs, ...segment.ours];
    case 'edited':
      return pick.lines.map((text) => ({ text, eol }));
  }
}

/** Settle one hunk; the other hunks keep their picks-to-be and are re-numbered. */
export function applyPick(parsed: ParsedConflictFile, hunkIndex: number, pick: HunkPick): ParsedConflictFile {
  const conflictPositions = parsed.segments.flatMap((segment, index) =>
    segment.kind === 'conflict' ? [index] : [],
  );
  const position = conflictPositions[hunkIndex];
  const segment = position === undefined ? undefined : parsed.segments[position];
  if (position === undefined || segment?.kind !== 'conflict') {
    throw new RangeError(`no conflict hunk ${hunkIndex} (the file has ${conflictPositions.length})`);
  }
  const lines = resolvedLines(segment, pick).map((line) => ({ ...line }));
  const last = lines[lines.length - 1];
  // A conflict that ended the file without a newline leaves the file ending the same way.
  if (segment.close.eol === '' && last) last.eol = '';
  const segments = mergeText([
    ...parsed.segments.slice(0, position),
    { kind: 'text', lines },
    ...parsed.segments.slice(position + 1),
  ]);
  return { ...parsed, segments, hunks: hunksOf(segments, parsed.markerSize), error: null };
}

function mergeText(segments: Segment[]): Segment[] {
  const merged: Segment[] = [];
  for (const segment of segments) {
    const previous = merged[merged.length - 1];
    if (segment.kind === 'text' && segment.lines.length === 0) continue;
    if (segment.kind === 'text' && previous?.kind === 'text') {
      merged[merged.length - 1] = { kind: 'text', lines: [...previous.lines, ...segment.lines] };
    } else merged.push(segment);
  }
  return merged;
}

/** True when no conflict structure and no opening/closing marker line remains. */
export function isResolved(text: string, options: ParseOptions = {}): boolean {
  const size = options.markerSize ?? 7;
  const parsed = parseConflicts(text, options);
  if (parsed.error || parsed.hunks.length > 0) return false;
  return !splitLines(text).some((line) => {
    const marker = markerOf(line.text, size);
    return marker === 'open' || marker === 'close';
  });
}

/** Lines of edited text (from `$EDITOR`), terminators dropped: the shape of an `edited` pick. */
export function linesOfText(text: string): string[] {
  return splitLines(text).map((line) => line.text);
}

/**
 * A file under resolution: the stack of its contents (lazygit-style). Every pick or edit pushes;
 * undo pops and re-parses. The last entry is the current content.
 */
export interface FileResolution {
  history: string[];
  parsed: ParsedConflictFile;
}

export function startResolution(text: string, options: ParseOptions = {}): FileResolution {
  return { history: [text], parsed: parseConflicts(text, options) };
}

export function currentText(state: FileResolution): string {
  return state.history[state.history.length - 1] ?? '';
}

export function pickHunk(state: FileResolution, hunkIndex: number, pick: HunkPick): FileResolution {
  const text = serialise(applyPick(state.parsed, hunkIndex, pick));
  // Re-parse rather than trust the patched segments: edited text may itself carry markers.
  return {
    history: [...state.history, text],
    parsed: parseConflicts(text, { markerSize: state.parsed.markerSize }),
  };
}

/** Replace the whole content (a whole-file pick or an edit in `$EDITOR`). */
export function replaceContent(state: FileResolution, text: string): FileResolution {
  return {
    history: [...state.history, text],
    parsed: parseConflicts(text, { markerSize: state.parsed.markerSize }),
  };
}

export function canUndo(state: FileResolution): boolean {
  return state.history.length > 1;
}

export function undo(state: FileResolution): FileResolution {
  if (!canUndo(state)) return state;
  const history = state.history.slice(0, -1);
  const markerSize = state.parsed.markerSize;
  return { history, parsed: parseConflicts(history[history.length - 1] ?? '', { markerSize }) };
}
