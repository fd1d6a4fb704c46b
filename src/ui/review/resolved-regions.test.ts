import { describe, expect, it } from 'vitest';
import { resolvedRegions } from './resolved-regions.js';
import type { FileState, SessionFile } from '../../git/resolution-session.js';

function file(...texts: string[]): SessionFile {
  const history: FileState[] = texts.map((text) => ({ kind: 'text', text }));
  return {
    path: 'a.txt',
    kind: 'content',
    stages: {},
    modes: {},
    messages: [],
    text: true,
    sides: {},
    history,
  };
}

const marked = (tag: string, ours: string, theirs: string): string =>
  `<<<<<<< ours\n${ours}=======\n${theirs}>>>>>>> theirs ${tag}\n`;

describe('resolvedRegions', () => {
  const start = `one\n${marked('1', 'O1\n', 'T1\n')}two\n${marked('2', 'O2\n', 'T2\n')}three\n`;

  it('places each pick where it lands in the text to be committed, later picks shifting none before them', () => {
    const second = `one\n${marked('1', 'O1\n', 'T1\n')}two\nO2\nT2\nthree\n`;
    const both = 'one\nT1\ntwo\nO2\nT2\nthree\n';
    expect(resolvedRegions(file(start, second, both))).toEqual([
      { start: 1, lines: ['T1'] },
      { start: 3, lines: ['O2', 'T2'] },
    ]);
  });

  it('keeps a hunk resolved to nothing as an empty block, and a whole-file edit absorbs the blocks it covers', () => {
    const emptied = `one\ntwo\n${marked('2', 'O2\n', 'T2\n')}three\n`;
    expect(resolvedRegions(file(start, emptied))).toEqual([{ start: 1, lines: [] }]);
    const picked = 'one\ntwo\nT2\nthree\n';
    expect(resolvedRegions(file(start, emptied, picked))).toEqual([
      { start: 1, lines: [] },
      { start: 2, lines: ['T2'] },
    ]);
    expect(resolvedRegions(file(start, emptied, picked, 'one\nNEW\nthree\n'))).toEqual([
      { start: 1, lines: ['NEW'] },
    ]);
  });

  it('has nothing to show for a file that is not text', () => {
    expect(resolvedRegions({ ...file(start), history: [{ kind: 'open' }, { kind: 'delete' }] })).toEqual([]);
  });
});
