import { describe, expect, it } from 'vitest';
import { classifyConflicts, parseMergeTreeOutput, parseStdinBatch } from './merge-output.js';

const z = (...tokens: string[]) => tokens.join('\0');

describe('parseMergeTreeOutput', () => {
  it('reads the tree, stage entries and counted messages', () => {
    const out = z(
      'tree1',
      '100644 b1 1\tsp ace.txt',
      '100644 o1 2\tsp ace.txt',
      '100644 t1 3\tsp ace.txt',
      '',
      '1',
      'sp ace.txt',
      'Auto-merging',
      'Auto-merging sp ace.txt\n',
      '1',
      'sp ace.txt',
      'CONFLICT (contents)',
      'CONFLICT (content): Merge conflict in sp ace.txt\n',
      '',
    );
    const parsed = parseMergeTreeOutput(out);
    expect(parsed.tree).toBe('tree1');
    expect(parsed.entries).toEqual([
      { mode: '100644', oid: 'b1', stage: 1, path: 'sp ace.txt' },
      { mode: '100644', oid: 'o1', stage: 2, path: 'sp ace.txt' },
      { mode: '100644', oid: 't1', stage: 3, path: 'sp ace.txt' },
    ]);
    expect(parsed.messages.map((message) => message.type)).toEqual(['Auto-merging', 'CONFLICT (contents)']);
  });

  it('reads a clean merge as a tree alone', () => {
    expect(parseMergeTreeOutput('tree2\0')).toEqual({ tree: 'tree2', entries: [], messages: [] });
  });
});

describe('classifyConflicts', () => {
  const cases: { name: string; entries: string[]; messages: string[][]; expected: Record<string, string> }[] =
    [
      {
        name: 'add/add from the message text',
        entries: ['100644 o 2\ta', '100644 t 3\ta'],
        messages: [['a', 'CONFLICT (contents)', 'CONFLICT (add/add): Merge conflict in a']],
        expected: { a: 'add/add' },
      },
      {
        name: 'binary wins over the content notice',
        entries: ['100644 b 1\tx', '100644 o 2\tx', '100644 t 3\tx'],
        messages: [
          ['x', 'CONFLICT (binary)', 'warning: Cannot merge binary files: x'],
          ['x', 'CONFLICT (contents)', 'CONFLICT (content): Merge conflict in x'],
        ],
        expected: { x: 'binary' },
      },
      {
        name: 'modify/delete',
        entries: ['100644 b 1\tm', '100644 o 2\tm'],
        messages: [['m', 'CONFLICT (modify/delete)', 'm deleted in theirs and modified in ours.']],
        expected: { m: 'modify/delete' },
      },
      {
        name: 'rename/delete keeps where the file came from',
        entries: ['100644 b 1\tnew', '100644 o 2\tnew'],
        messages: [
          ['new', 'old', 'CONFLICT (rename/delete)', 'old renamed to new in ours, but deleted in theirs.'],
        ],
        expected: { new: 'rename' },
      },
      {
        name: 'distinct types',
        entries: ['120000 o 2\tf', '100644 b 1\tf~t', '100755 t 3\tf~t'],
        messages: [
          ['f', 'f~t', 'CONFLICT (distinct modes)', 'CONFLICT (distinct types): f had different types'],
        ],
        expected: { f: 'mode', 'f~t': 'mode' },
      },
      {
        name: 'no message: stages decide',
        entries: ['100644 o 2\tq', '100644 t 3\tq'],
        messages: [],
        expected: { q: 'add/add' },
      },
    ];
  it.each(cases)('$name', ({ entries, messages, expected }) => {
    const tokens = ['tree', ...entries, '', ...messages.flatMap((m) => [String(m.length - 2), ...m]), ''];
    const files = classifyConflicts(parseMergeTreeOutput(z(...tokens)));
    expect(Object.fromEntries(files.map((file) => [file.path, file.kind]))).toEqual(expected);
  });

  it('records renamedFrom, stages and modes', () => {
    const out = z(
      'tree',
      '100644 b 1\tnew',
      '100755 o 2\tnew',
      '',
      '2',
      'new',
      'old',
      'CONFLICT (rename/delete)',
      'msg',
      '',
    );
    expect(classifyConflicts(parseMergeTreeOutput(out))).toEqual([
      {
        path: 'new',
        kind: 'rename',
        renamedFrom: 'old',
        stages: { base: 'b', ours: 'o' },
        modes: { base: '100644', ours: '100755' },
        hunks: [],
        messages: ['msg'],
      },
    ]);
  });
});

describe('parseStdinBatch', () => {
  it('splits answers into clean and conflicted with their paths', () => {
    const out = z('0', 'treeA', 'a.txt', 'b.txt', '', '1', 'treeB', '', '0', 'treeC', 'c', '', '');
    expect(parseStdinBatch(out)).toEqual([
      { clean: false, tree: 'treeA', paths: ['a.txt', 'b.txt'] },
      { clean: true, tree: 'treeB', paths: [] },
      { clean: false, tree: 'treeC', paths: ['c'] },
    ]);
  });
});
