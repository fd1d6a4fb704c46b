import { describe, expect, it } from 'vitest';
import type { ConflictFile } from './conflict-types.js';
import {
  applyFileAction,
  createSession,
  fileStatus,
  isTextConflict,
  undoLast,
} from './resolution-session.js';

const file = (overrides: Partial<ConflictFile>): ConflictFile => ({
  path: 'f',
  kind: 'content',
  stages: { ours: 'a', theirs: 'b' },
  modes: { ours: '100644', theirs: '100644' },
  hunks: [],
  messages: [],
  ...overrides,
});

describe('resolution session', () => {
  it.each([
    { conflict: file({ markedText: '<<<<<<< a\nx\n=======\ny\n>>>>>>> b\n' }), text: true },
    { conflict: file({ kind: 'add/add', markedText: '<<<<<<< a\n=======\n>>>>>>> b\n' }), text: true },
    { conflict: file({ markedText: 'PNG\0\x01binary' }), text: false },
    { conflict: file({ kind: 'binary' }), text: false },
    { conflict: file({ kind: 'modify/delete', markedText: 'x\n' }), text: false },
  ])('$conflict.kind text=$text', ({ conflict, text }) => {
    expect(isTextConflict(conflict)).toBe(text);
  });

  it('reports broken markers, and undo walks back across files in order', () => {
    const session = createSession({
      runId: 'r',
      taskId: 't',
      labels: { ours: 'o', theirs: 't' },
      resultCommit: 'c1',
      taskCommit: 'c2',
      mergeTree: 'tree',
      files: [file({ path: 'a', markedText: '<<<<<<< a\n<<<<<<< b\n' }), file({ path: 'b', kind: 'binary' })],
      sideTexts: {},
    });
    expect(session.files.map(fileStatus)).toEqual(['broken', 'unresolved']);
    const hunk = applyFileAction(session, 0, { kind: 'hunk', hunk: 0, pick: { kind: 'ours' } });
    expect(hunk).toMatchObject({ ok: false, message: expect.stringMatching(/broken/) });
    let current = session;
    for (const [index, action] of [
      [1, { kind: 'whole', side: 'ours' }],
      [0, { kind: 'content', text: 'fixed\n' }],
      [1, { kind: 'delete' }],
    ] as const) {
      const result = applyFileAction(current, index, action);
      if (!result.ok) throw new Error(result.message);
      current = result.session;
    }
    expect(current.order).toEqual([1, 0, 1]);
    expect(current.files.map(fileStatus)).toEqual(['resolved', 'resolved']);
    const walked: number[] = [];
    for (let step = undoLast(current); step; step = undoLast(step.session)) {
      walked.push(step.fileIndex);
      current = step.session;
    }
    expect(walked).toEqual([1, 0, 1]);
    expect(current.files.map(fileStatus)).toEqual(['broken', 'unresolved']);
    expect(current.picks.map((pick) => pick.pick)).toEqual([
      'file-ours',
      'content',
      'delete',
      'undo',
      'undo',
      'undo',
    ]);
  });
});
