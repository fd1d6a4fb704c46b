import { describe, expect, it } from 'vitest';
import { mergeSequences, type Sequence, type Unit } from './sequence-merge.js';

/** A list `[a, b]` of units written as `name` or `name=text`; keyed by name, commuting unless `!`. */
function list(...items: string[]): Sequence {
  const units: Unit[] = items.map((item) => {
    const fixed = item.startsWith('!');
    const [name = '', text = name] = item.replace(/^!/, '').split('=');
    return { id: `k:${name}`, keyed: true, text, kind: 'entry', commutes: !fixed };
  });
  return { head: '[', units, gaps: units.map((_, index) => (index === 0 ? '' : ', ')), tail: ']' };
}
const noInner = (): null => null;

describe('mergeSequences (diff3 over syntax siblings)', () => {
  it.each([
    ['both append', list('a'), list('a', 'b'), list('a', 'c'), '[a, b, c]'],
    ['both prepend', list('z'), list('a', 'z'), list('b', 'z'), '[a, b, z]'],
    ['one edits, one appends', list('a', 'b'), list('a=A', 'b'), list('a', 'b', 'c'), '[A, b, c]'],
    ['neighbours each edited by one side', list('a', 'b'), list('a=A', 'b'), list('a', 'b=B'), '[A, B]'],
    ['one deletes, the other leaves it', list('a', 'b'), list('a'), list('a', 'b'), '[a]'],
    ['identical additions kept once', list('a'), list('a', 'b'), list('a', 'b'), '[a, b]'],
    ['one side renames (new id) beside an edit', list('a', 'b'), list('x', 'b'), list('a', 'b=B'), '[x, B]'],
  ])('%s', (_name, base, ours, theirs, expected) => {
    expect(mergeSequences(base, ours, theirs, noInner)).toBe(expected);
  });

  it.each([
    ['both change one unit (no inner merge)', list('a'), list('a=1'), list('a=2')],
    ['one deletes what the other edits', list('a', 'b'), list('a'), list('a', 'b=B')],
    ['two insertions at one place that do not commute', list('a'), list('a', '!b'), list('a', '!c')],
    ['both add one name with different texts', list('a'), list('a', 'b=1'), list('a', 'b=2')],
    ['insertions that share only part of their units', list('a'), list('a', 'b', 'c'), list('a', 'b', 'd')],
    ['a version that declares one name twice', list('a'), list('a', 'b', 'b=2'), list('a')],
  ])('null when %s', (_name, base, ours, theirs) => {
    expect(mergeSequences(base, ours, theirs, noInner)).toBeNull();
  });

  it('hands a unit both sides changed to the inner merge, and takes its answer', () => {
    const merged = mergeSequences(
      list('a', 'b'),
      list('a=A1', 'b'),
      list('a=A2', 'b'),
      (base, ours, theirs) => (base.text === 'a' ? `${ours.text}+${theirs.text}` : null),
    );
    expect(merged).toBe('[A1+A2, b]');
  });

  it('merges head and tail as text: one side changing them wins, both changing them is null', () => {
    const tail = (sequence: Sequence, text: string): Sequence => ({ ...sequence, tail: text });
    expect(mergeSequences(list('a'), tail(list('a'), ',]'), list('a', 'b'), noInner)).toBe('[a, b,]');
    expect(mergeSequences(list('a'), tail(list('a'), ',]'), tail(list('a'), ' ]'), noInner)).toBeNull();
  });
});
