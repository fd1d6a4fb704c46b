import { describe, expect, it } from 'vitest';
import { initialUiState, reduceUi, type UiAction, type UiState } from './ui-state.js';

const ids = ['a', 'b', 'c'];
const run = (actions: UiAction[], state: UiState = initialUiState()) => actions.reduce(reduceUi, state);

describe('ui reducer', () => {
  it.each([
    [[{ type: 'move', delta: 1, ids }], 'a'],
    [[{ type: 'move', delta: -1, ids }], 'c'],
    [
      [
        { type: 'move', delta: 1, ids },
        { type: 'move', delta: 1, ids },
      ],
      'b',
    ],
    [
      [
        { type: 'move', delta: 1, ids },
        { type: 'move', delta: -5, ids },
      ],
      'a',
    ],
    [
      [
        { type: 'sync', ids },
        { type: 'move', delta: 9, ids },
      ],
      'c',
    ],
  ] as [UiAction[], string][])('%j selects %s', (actions, selected) => {
    expect(run(actions).selected).toBe(selected);
  });

  it('focus follows the selection until enter pins it', () => {
    let state = run([{ type: 'sync', ids }]);
    expect(state.focused).toBe('a');
    state = run([{ type: 'move', delta: 1, ids }, { type: 'focus' }], state);
    expect(state).toMatchObject({ selected: 'b', focused: 'b', pinned: true, pane: 'activity' });
    state = run([{ type: 'move', delta: 1, ids }], state);
    expect(state).toMatchObject({ selected: 'c', focused: 'b' });
    state = run([{ type: 'unpin' }], state);
    expect(state).toMatchObject({ focused: 'c', pinned: false });
  });

  it('keeps a selection that is still visible and moves off one the filter hid', () => {
    const state = run([
      { type: 'sync', ids },
      { type: 'move', delta: 1, ids },
    ]);
    expect(run([{ type: 'sync', ids: ['b', 'c'] }], state).selected).toBe('b');
    expect(run([{ type: 'sync', ids: ['c'] }], state).selected).toBe('c');
    expect(run([{ type: 'sync', ids: [] }], state).selected).toBeUndefined();
  });

  it('cycles panes both ways', () => {
    expect(run([{ type: 'pane', delta: 1 }]).pane).toBe('activity');
    expect(run([{ type: 'pane', delta: -1 }]).pane).toBe('feed');
  });

  it('edits the filter and clears it with its mode', () => {
    const state = run([
      { type: 'open', mode: 'filter' },
      { type: 'filter-type', text: 'ap' },
      { type: 'filter-type', text: 'ix' },
      { type: 'filter-erase' },
    ]);
    expect(state).toMatchObject({ mode: 'filter', filter: 'api' });
    expect(run([{ type: 'filter-clear' }], state)).toMatchObject({ mode: 'normal', filter: '' });
  });

  it('never scrolls above the top and resets scroll when a view opens or closes', () => {
    expect(run([{ type: 'scroll', delta: -3 }]).scroll).toBe(0);
    const scrolled = run([{ type: 'scroll', delta: 5 }]);
    expect(scrolled.scroll).toBe(5);
    expect(run([{ type: 'open', mode: 'diff' }], scrolled).scroll).toBe(0);
  });
});
