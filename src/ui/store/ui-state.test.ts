import { describe, expect, it } from 'vitest';
import { initialUiState, reduceUi, type UiAction, type UiState } from './ui-state.js';

const ids = ['a', 'b', 'c'];
const run = (actions: UiAction[], state: UiState = initialUiState()) => actions.reduce(reduceUi, state);

describe('ui reducer', () => {
  it.each([
    [[{ type: 'move', delta: 1, ids, rows: 10 }], 'a'],
    [[{ type: 'move', delta: -1, ids, rows: 10 }], 'c'],
    [
      [
        { type: 'move', delta: 1, ids, rows: 10 },
        { type: 'move', delta: 1, ids, rows: 10 },
      ],
      'b',
    ],
    [
      [
        { type: 'move', delta: 1, ids, rows: 10 },
        { type: 'move', delta: -5, ids, rows: 10 },
      ],
      'a',
    ],
    [
      [
        { type: 'sync', ids },
        { type: 'move', delta: 9, ids, rows: 10 },
      ],
      'c',
    ],
  ] as [UiAction[], string][])('%j selects %s', (actions, selected) => {
    expect(run(actions).selected).toBe(selected);
  });

  it('focus follows the selection until enter pins it', () => {
    let state = run([{ type: 'sync', ids }]);
    expect(state.focused).toBe('a');
    state = run([{ type: 'move', delta: 1, ids, rows: 10 }, { type: 'focus' }], state);
    expect(state).toMatchObject({ selected: 'b', focused: 'b', pinned: true, pane: 'activity' });
    state = run([{ type: 'move', delta: 1, ids, rows: 10 }], state);
    expect(state).toMatchObject({ selected: 'c', focused: 'b' });
    state = run([{ type: 'unpin' }], state);
    expect(state).toMatchObject({ focused: 'c', pinned: false });
  });

  it('keeps a selection that is still visible and moves off one the filter hid', () => {
    const state = run([
      { type: 'sync', ids },
      { type: 'move', delta: 1, ids, rows: 10 },
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

  it('scrolls the agents list only when the selection would leave it', () => {
    const many = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const move = (delta: number): UiAction => ({ type: 'move', delta, ids: many, rows: 6 });
    // Rows 0-4 fit under no "↑" row (the sixth says "↓ 15 more"): the top stays until t5.
    let state = run([{ type: 'sync', ids: many }, move(4)]);
    expect(state).toMatchObject({ selected: 't4', agentsTop: 0 });
    state = run([move(1)], state);
    expect(state).toMatchObject({ selected: 't5', agentsTop: 2 });
    state = run([move(-1)], state);
    expect(state).toMatchObject({ selected: 't4', agentsTop: 2 });
    state = run([move(99)], state);
    expect(state).toMatchObject({ selected: 't19', agentsTop: 15 });
    state = run([move(-99)], state);
    expect(state).toMatchObject({ selected: 't0', agentsTop: 0 });
  });

  it('cycles the state filter; escape in the prompt clears the text, elsewhere every filter', () => {
    let state = run([{ type: 'state-filter-next' }, { type: 'state-filter-next' }]);
    expect(state.stateFilter).toBe('waiting');
    state = run(
      [{ type: 'open', mode: 'filter' }, { type: 'filter-type', text: 'x' }, { type: 'filter-clear' }],
      state,
    );
    expect(state).toMatchObject({ mode: 'normal', filter: '', stateFilter: 'waiting' });
    state = run([{ type: 'filter-type', text: 'x' }, { type: 'filter-clear' }], state);
    expect(state).toMatchObject({ filter: '', stateFilter: 'all' });
    expect(
      run(Array.from({ length: 6 }, () => ({ type: 'state-filter-next' }) as UiAction)).stateFilter,
    ).toBe('all');
  });
});
