import { describe, expect, it } from 'vitest';
import type { HunkPick } from './conflict-types.js';
import {
  applyPick,
  canUndo,
  currentText,
  isResolved,
  linesOfText,
  parseConflicts,
  pickHunk,
  replaceContent,
  serialise,
  startResolution,
  undo,
} from './conflict-model.js';

const plain = ['a', '<<<<<<< ours', 'o1', 'o2', '=======', 't1', '>>>>>>> theirs', 'z', ''].join('\n');
const diff3 = ['a', '<<<<<<< HEAD', 'o', '||||||| base', 'b', '=======', 't', '>>>>>>> task', 'z', ''].join(
  '\n',
);
const twoHunks = [
  'head',
  '<<<<<<< result',
  'o1',
  '||||||| merged common ancestors',
  'b1',
  '=======',
  't1',
  '>>>>>>> task-1',
  'middle',
  '<<<<<<< result',
  'o2',
  '||||||| merged common ancestors',
  '=======',
  't2',
  '>>>>>>> task-1',
  'tail',
  '',
].join('\n');

describe('parseConflicts', () => {
  it.each([
    {
      name: 'plain markers',
      text: plain,
      hunks: [
        { start: 1, end: 6, ours: ['o1', 'o2'], theirs: ['t1'], labels: { ours: 'ours', theirs: 'theirs' } },
      ],
    },
    {
      name: 'diff3 markers with a base',
      text: diff3,
      hunks: [
        {
          start: 1,
          end: 7,
          ours: ['o'],
          base: ['b'],
          theirs: ['t'],
          labels: { ours: 'HEAD', base: 'base', theirs: 'task' },
        },
      ],
    },
    {
      name: 'zdiff3 with an empty base and two hunks',
      text: twoHunks,
      hunks: [
        {
          start: 1,
          end: 7,
          ours: ['o1'],
          base: ['b1'],
          theirs: ['t1'],
          labels: { ours: 'result', base: 'merged common ancestors', theirs: 'task-1' },
        },
        {
          start: 9,
          end: 14,
          ours: ['o2'],
          base: [],
          theirs: ['t2'],
          labels: { ours: 'result', base: 'merged common ancestors', theirs: 'task-1' },
        },
      ],
    },
    {
      name: 'markers without labels',
      text: '<<<<<<<\nx\n=======\n>>>>>>>\n',
      hunks: [{ start: 0, end: 3, ours: ['x'], theirs: [], labels: { ours: '', theirs: '' } }],
    },
    {
      name: 'marker-like lines of the wrong length are content',
      text: '<<<<<<<< eight\n======\n>>>>>>>>\n<<<<<<<x\n',
      hunks: [],
    },
    {
      name: 'stray separator and closer outside a conflict are content',
      text: 'Title\n=======\n>>>>>>> nothing\n',
      hunks: [],
    },
    {
      name: 'CRLF lines',
      text: 'a\r\n<<<<<<< o\r\nx\r\n=======\r\ny\r\n>>>>>>> t\r\n',
      hunks: [{ start: 1, end: 5, ours: ['x'], theirs: ['y'], labels: { ours: 'o', theirs: 't' } }],
    },
    {
      name: 'BOM before the first marker',
      text: '\uFEFF<<<<<<< o\nx\n=======\ny\n>>>>>>> t',
      hunks: [{ start: 0, end: 4, ours: ['x'], theirs: ['y'], labels: { ours: 'o', theirs: 't' } }],
    },
  ])('$name', ({ text, hunks }) => {
    const parsed = parseConflicts(text);
    expect(parsed.error).toBeNull();
    expect(parsed.hunks).toEqual(hunks);
    expect(serialise(parsed)).toBe(text);
  });

  it.each([
    { name: 'nested open', text: '<<<<<<< a\n<<<<<<< b\nx\n=======\ny\n>>>>>>> c\n', line: 1 },
    { name: 'unterminated', text: 'q\n<<<<<<< a\nx\n=======\ny\n', line: 1 },
    { name: 'close without separator', text: '<<<<<<< a\nx\n>>>>>>> c\n', line: 2 },
    { name: 'second separator in theirs', text: '<<<<<<< a\nx\n=======\ny\n=======\n>>>>>>> c\n', line: 4 },
    { name: 'open inside base', text: '<<<<<<< a\n||||||| b\n<<<<<<< c\n', line: 2 },
  ])('reports $name as an error value and still round-trips', ({ text, line }) => {
    const parsed = parseConflicts(text);
    expect(parsed.error?.line).toBe(line);
    expect(parsed.hunks).toEqual([]);
    expect(serialise(parsed)).toBe(text);
  });

  it('honours a custom marker size', () => {
    const text = '<<<<<<<<<< a\nx\n==========\ny\n>>>>>>>>>> b\n<<<<<<< not\n';
    expect(parseConflicts(text).hunks).toHaveLength(0);
    expect(parseConflicts(text, { markerSize: 10 }).hunks).toHaveLength(1);
  });

  it('round-trips files without conflicts, empty files and mixed endings', () => {
    for (const text of ['', '\n', 'x', 'a\r\nb\nc', '\uFEFF', '\uFEFFa\r\n', 'lone\rcr\n']) {
      expect(serialise(parseConflicts(text))).toBe(text);
    }
  });
});

describe('applyPick', () => {
  const picks: { pick: HunkPick; plain?: string; diff3: string }[] = [
    { pick: { kind: 'ours' }, plain: 'a\no1\no2\nz\n', diff3: 'a\no\nz\n' },
    { pick: { kind: 'theirs' }, plain: 'a\nt1\nz\n', diff3: 'a\nt\nz\n' },
    { pick: { kind: 'base' }, diff3: 'a\nb\nz\n' },
    { pick: { kind: 'both', order: 'ours-first' }, plain: 'a\no1\no2\nt1\nz\n', diff3: 'a\no\nt\nz\n' },
    { pick: { kind: 'both', order: 'theirs-first' }, plain: 'a\nt1\no1\no2\nz\n', diff3: 'a\nt\no\nz\n' },
    { pick: { kind: 'edited', lines: ['e1', 'e2'] }, plain: 'a\ne1\ne2\nz\n', diff3: 'a\ne1\ne2\nz\n' },
    { pick: { kind: 'edited', lines: [] }, plain: 'a\nz\n', diff3: 'a\nz\n' },
  ];

  it.each(picks)(
    '$pick.kind $pick.order on diff3 and plain markers',
    ({ pick, plain: plainOut, diff3: out }) => {
      const resolved = serialise(applyPick(parseConflicts(diff3), 0, pick));
      expect(resolved).toBe(out);
      expect(isResolved(resolved)).toBe(true);
      if (plainOut !== undefined) expect(serialise(applyPick(parseConflicts(plain), 0, pick))).toBe(plainOut);
    },
  );

  it('refuses base on plain markers and an unknown hunk', () => {
    expect(() => applyPick(parseConflicts(plain), 0, { kind: 'base' })).toThrow(/no base/);
    expect(() => applyPick(parseConflicts(plain), 1, { kind: 'ours' })).toThrow(RangeError);
  });

  it('keeps CRLF endings, including for edited lines', () => {
    const text = 'a\r\n<<<<<<< o\r\nx\r\n=======\r\ny\r\n>>>>>>> t\r\nz\r\n';
    expect(serialise(applyPick(parseConflicts(text), 0, { kind: 'theirs' }))).toBe('a\r\ny\r\nz\r\n');
    const edited = applyPick(parseConflicts(text), 0, { kind: 'edited', lines: ['p', 'q'] });
    expect(serialise(edited)).toBe('a\r\np\r\nq\r\nz\r\n');
  });

  it('keeps the missing final newline and the BOM', () => {
    const text = '\uFEFFa\n<<<<<<< o\nx\n=======\ny\n>>>>>>> t';
    expect(serialise(applyPick(parseConflicts(text), 0, { kind: 'ours' }))).toBe('\uFEFFa\nx');
    const both = applyPick(parseConflicts(text), 0, { kind: 'both', order: 'theirs-first' });
    expect(serialise(both)).toBe('\uFEFFa\ny\nx');
  });

  it('renumbers the remaining hunks whichever is picked first', () => {
    const firstThenSecond = applyPick(applyPick(parseConflicts(twoHunks), 0, { kind: 'ours' }), 0, {
      kind: 'theirs',
    });
    const secondThenFirst = applyPick(applyPick(parseConflicts(twoHunks), 1, { kind: 'theirs' }), 0, {
      kind: 'ours',
    });
    expect(serialise(firstThenSecond)).toBe('head\no1\nmiddle\nt2\ntail\n');
    expect(serialise(secondThenFirst)).toBe(serialise(firstThenSecond));
    const afterFirst = applyPick(parseConflicts(twoHunks), 0, { kind: 'both', order: 'ours-first' });
    expect(afterFirst.hunks).toHaveLength(1);
    expect(afterFirst.hunks[0]).toMatchObject({ start: 4, end: 9, ours: ['o2'], theirs: ['t2'] });
  });
});

describe('resolution history', () => {
  it('pushes every pick, undo walks back to the original bytes', () => {
    let state = startResolution(twoHunks);
    expect(canUndo(state)).toBe(false);
    state = pickHunk(state, 1, { kind: 'base' });
    state = pickHunk(state, 0, { kind: 'theirs' });
    expect(currentText(state)).toBe('head\nt1\nmiddle\ntail\n');
    expect(state.parsed.hunks).toHaveLength(0);
    state = undo(state);
    expect(state.parsed.hunks.map((hunk) => hunk.ours)).toEqual([['o1']]);
    state = undo(state);
    expect(currentText(state)).toBe(twoHunks);
    expect(state.parsed.hunks).toHaveLength(2);
    expect(undo(state)).toBe(state);
  });

  it('replaces the whole content for edits and whole-file picks, and re-parses markers in it', () => {
    let state = replaceContent(startResolution(plain), 'mine\n');
    expect(state.parsed.hunks).toHaveLength(0);
    state = replaceContent(state, '<<<<<<< a\nx\n=======\ny\n>>>>>>> b\n');
    expect(state.parsed.hunks).toHaveLength(1);
    expect(currentText(undo(state))).toBe('mine\n');
  });

  it('an edited pick carrying markers stays unresolved', () => {
    const state = pickHunk(startResolution(plain), 0, {
      kind: 'edited',
      lines: linesOfText('<<<<<<< x\n1\n=======\n2\n>>>>>>> y\n'),
    });
    expect(state.parsed.hunks).toHaveLength(1);
    expect(isResolved(currentText(state))).toBe(false);
  });
});

describe('isResolved', () => {
  it.each([
    { text: 'clean\n', resolved: true },
    { text: 'Title\n=======\n', resolved: true },
    { text: plain, resolved: false },
    { text: 'x\n>>>>>>> leftover\n', resolved: false },
    { text: '<<<<<<< broken\n', resolved: false },
  ])('$text → $resolved', ({ text, resolved }) => {
    expect(isResolved(text)).toBe(resolved);
  });
});
