import { describe, expect, it } from 'vitest';
import type { ConflictFile } from '../../git/conflict-types.js';
import { createSession, currentState, fileStatus, resolvedEntry } from '../../git/resolution-session.js';
import { highlightLine, languageOf } from './highlight.js';
import { reviewCommandFor, reviewHelp, reviewKeymap, type ReviewCommand } from './keys.js';
import {
  currentFile,
  describeFile,
  hunkKey,
  initialReviewState,
  reduceReview,
  visibleProposal,
  type ReviewState,
} from './review-state.js';

const marked = [
  'a',
  '<<<<<<< result',
  'o1',
  '||||||| base',
  'b1',
  '=======',
  't1',
  '>>>>>>> task',
  'm',
  '<<<<<<< result',
  'o2',
  '||||||| base',
  'b2',
  '=======',
  't2',
  '>>>>>>> task',
  'z',
  '',
].join('\n');

const files: ConflictFile[] = [
  {
    path: 'src/a.ts',
    kind: 'content',
    stages: { base: 'b0', ours: 'o0', theirs: 't0' },
    modes: { ours: '100644', theirs: '100644' },
    markedText: marked,
    hunks: [],
    messages: [],
  },
  {
    path: 'logo.png',
    kind: 'binary',
    stages: { ours: 'oid-ours', theirs: 'oid-theirs' },
    modes: { ours: '100644', theirs: '100644' },
    hunks: [],
    messages: [],
  },
  {
    path: 'gone.txt',
    kind: 'modify/delete',
    stages: { base: 'b', ours: 'oid-kept' },
    modes: { ours: '100644' },
    hunks: [],
    messages: [],
  },
  {
    path: 'run.sh',
    kind: 'mode',
    stages: { ours: 'x', theirs: 'y' },
    modes: { ours: '100644', theirs: '100755' },
    hunks: [],
    messages: [],
  },
];

function start(): ReviewState {
  const session = createSession({
    runId: 'r',
    taskId: 't',
    labels: { ours: 'result', theirs: 'task' },
    resultCommit: 'c1',
    taskCommit: 'c2',
    mergeTree: 'tree',
    files,
    sideTexts: { 'src/a.ts': { ours: 'ours whole\n', theirs: 'theirs whole\n' } },
  });
  return initialReviewState([session]);
}

const run = (state: ReviewState, ...commands: ReviewCommand[]): ReviewState =>
  commands.reduce((current, command) => reduceReview(current, { type: 'command', command }), state);

const text = (state: ReviewState, index = 0): string => {
  const file = state.sessions[0]?.files[index];
  const current = file ? currentState(file) : undefined;
  return current?.kind === 'text' ? current.text : `(${current?.kind})`;
};

describe('reduceReview', () => {
  it.each([
    { commands: ['ours', 'ours'], text: 'a\no1\nm\no2\nz\n' },
    { commands: ['theirs', 'theirs'], text: 'a\nt1\nm\nt2\nz\n' },
    { commands: ['base', 'base'], text: 'a\nb1\nm\nb2\nz\n' },
    { commands: ['both-ours-first', 'both-theirs-first'], text: 'a\no1\nt1\nm\nt2\no2\nz\n' },
    { commands: ['next-hunk', 'theirs', 'ours'], text: 'a\no1\nm\nt2\nz\n' },
    { commands: ['ours', 'theirs', 'undo'], text: 'a\no1\nm\n' + marked.split('\nm\n')[1] },
    { commands: ['file-theirs'], text: 'theirs whole\n' },
    { commands: ['ours', 'file-ours', 'undo', 'undo'], text: marked },
  ] as { commands: ReviewCommand[]; text: string }[])('$commands', ({ commands, text: expected }) => {
    expect(text(run(start(), ...commands))).toBe(expected);
  });

  it('moves to the next unresolved file once a file is settled; undo brings back the hunk', () => {
    let state = run(start(), 'next-hunk', 'ours');
    expect(state.file).toBe(0);
    expect(state.hunk).toBe(0);
    state = run(state, 'ours');
    expect(currentFile(state)?.path).toBe('logo.png');
    state = run(state, 'undo');
    expect(currentFile(state)?.path).toBe('src/a.ts');
    expect(state.hunk).toBe(0);
    state = run(state, 'undo');
    expect(state.hunk).toBe(1);
    expect(currentFile(state)?.history).toHaveLength(1);
  });

  it('offers sides, delete and accept for non-text conflicts', () => {
    let state = run(start(), 'next-file', 'theirs');
    expect(describeFile(state.sessions[0]!.files[1]!)).toBe('theirs');
    expect(resolvedEntry(state.sessions[0]!.files[1]!)).toEqual({
      kind: 'blob',
      oid: 'oid-theirs',
      mode: '100644',
    });
    expect(currentFile(state)?.path).toBe('gone.txt');
    state = run(state, 'theirs');
    expect(describeFile(state.sessions[0]!.files[2]!)).toBe('theirs (deleted)');
    expect(resolvedEntry(state.sessions[0]!.files[2]!)).toEqual({ kind: 'delete' });
    state = run(state, 'base');
    expect(state.message?.text).toMatch(/no hunks/);
    state = run(state, 'theirs');
    expect(resolvedEntry(state.sessions[0]!.files[3]!)).toEqual({ kind: 'merged', mode: '100755' });
    // All non-text files are settled: back to the first unresolved one.
    expect(currentFile(state)?.path).toBe('src/a.ts');
    state = run(state, 'prev-file', 'prev-file', 'accept');
    expect(resolvedEntry(state.sessions[0]!.files[2]!)).toEqual({ kind: 'merged' });
    expect(currentFile(state)?.path).toBe('src/a.ts');
    state = run(state, 'prev-file', 'delete');
    expect(resolvedEntry(state.sessions[0]!.files[3]!)).toEqual({ kind: 'delete' });
    expect(state.sessions[0]!.files.map(fileStatus)).toEqual([
      'unresolved',
      'resolved',
      'resolved',
      'resolved',
    ]);
    // Undo walks back across files, showing each one.
    state = run(state, 'undo');
    expect(currentFile(state)?.path).toBe('run.sh');
    expect(resolvedEntry(state.sessions[0]!.files[3]!)).toEqual({ kind: 'merged', mode: '100755' });
    state = run(state, 'undo');
    expect(currentFile(state)?.path).toBe('gone.txt');
    state = run(state, 'undo', 'undo');
    expect(currentFile(state)?.path).toBe('gone.txt');
    expect(state.sessions[0]!.files.map(fileStatus)).toEqual([
      'unresolved',
      'resolved',
      'unresolved',
      'unresolved',
    ]);
  });

  it('refuses what does not apply, with a message', () => {
    expect(run(start(), 'undo').message?.text).toBe('Nothing to undo.');
    expect(run(start(), 'accept').message?.text).toMatch(/hunks are resolved/);
    expect(run(start(), 'pick-proposal').message?.text).toMatch(/g asks the model/);
    expect(run(start(), 'ours', 'ours', 'prev-file', 'ours').message?.text).toMatch(/resolved/);
    const busy = reduceReview(start(), { type: 'busy', what: 'editing' });
    expect(run(busy, 'ours').sessions).toBe(busy.sessions);
  });

  it('shows a proposal only for the hunk it was asked for, and picks it', () => {
    let state = start();
    const key = hunkKey(currentFile(state)!, 0);
    state = reduceReview(state, {
      type: 'proposal',
      proposal: { taskId: 't', path: 'src/a.ts', hunk: 0, key, lines: ['P'] },
    });
    expect(visibleProposal(state)?.lines).toEqual(['P']);
    expect(visibleProposal(run(state, 'next-hunk'))).toBeNull();
    state = run(state, 'pick-proposal');
    expect(text(state)).toMatch(/^a\nP\nm\n/);
    expect(visibleProposal(state)).toBeNull();
  });

  it('moves between tasks, each at its first unresolved file, and opens at the asked task', () => {
    const one = start().sessions[0]!;
    const two = { ...one, taskId: 't2' };
    let state = initialReviewState([one, two], 't2');
    expect(state.task).toBe(1);
    state = run(state, 'ours', 'ours');
    expect(currentFile(state)?.path).toBe('logo.png');
    state = run(state, 'next-task');
    expect([state.task, state.file]).toEqual([0, 0]);
    state = run(state, 'prev-task');
    expect([state.task, currentFile(state)?.path]).toEqual([1, 'logo.png']);
    expect(text(state)).toBe(marked);
  });

  it('keeps validation output capped and records a commit', () => {
    let state = reduceReview(start(), { type: 'output', chunk: 'x'.repeat(10_000) });
    state = reduceReview(state, { type: 'output', chunk: 'END' });
    expect(state.output.endsWith('END')).toBe(true);
    expect(state.output.length).toBe(8_000);
    state = reduceReview(state, {
      type: 'committed',
      taskId: 't',
      commit: 'abcdef1234567',
      resolvedBy: 'me',
    });
    expect(state.sessions[0]?.committed).toEqual({ commit: 'abcdef1234567', resolvedBy: 'me' });
    expect(run(state, 'ours').message?.text).toMatch(/already committed/);
  });
});

describe('review keys', () => {
  it.each([
    [{ input: 'j' }, 'next-hunk'],
    [{ input: '', downArrow: true }, 'next-hunk'],
    [{ input: '', tab: true }, 'next-file'],
    [{ input: '', tab: true, shift: true }, 'prev-file'],
    [{ input: 'K', shift: true }, 'prev-file'],
    [{ input: 'B', shift: true }, 'both-ours-first'],
    [{ input: 'T', shift: true }, 'both-theirs-first'],
    [{ input: '<' }, 'file-ours'],
    [{ input: '', escape: true }, 'leave'],
    [{ input: 'z', ctrl: true }, undefined],
  ])('%j → %s', (key, command) => {
    expect(reviewCommandFor(key)).toBe(command);
  });

  it('binds every key once and fits the help into the width', () => {
    const specs = reviewKeymap.flatMap((binding) => binding.keys.map((key) => JSON.stringify(key)));
    expect(new Set(specs).size).toBe(specs.length);
    const help = reviewHelp(60);
    expect(help.length).toBeLessThanOrEqual(2);
    for (const line of help) expect(line.length).toBeLessThanOrEqual(60);
    expect(help.join(' ')).toContain('o ours');
  });
});

describe('highlight', () => {
  it('colours keywords, strings, comments and numbers by extension', () => {
    expect(languageOf('src/x.tsx')).toBe('js');
    expect(languageOf('README')).toBeNull();
    expect(highlightLine('const a = "x" + 42; // note', 'js')).toEqual([
      { text: 'const', kind: 'keyword' },
      { text: ' a = ', kind: 'plain' },
      { text: '"x"', kind: 'string' },
      { text: ' + ', kind: 'plain' },
      { text: '42', kind: 'number' },
      { text: '; ', kind: 'plain' },
      { text: '// note', kind: 'comment' },
    ]);
    expect(highlightLine("def f(): return 'a\\'b'  # c", 'python').map((token) => token.kind)).toEqual([
      'keyword',
      'plain',
      'keyword',
      'plain',
      'string',
      'plain',
      'comment',
    ]);
    expect(highlightLine('plain text', null)).toEqual([{ text: 'plain text', kind: 'plain' }]);
  });
});
