import { describe, expect, it } from 'vitest';
import { busyRun, eventFactory } from '../../test/ui/fixtures.js';
import { agentWindow, filterIds, filterLabel } from './agent-list.js';
import { initialRunView, reduceRunBatch } from './store/run-state.js';

const view = reduceRunBatch(initialRunView(), busyRun());

describe('agent filters', () => {
  it('filters agents by id, title or state', () => {
    expect(filterIds(view, 'greet')).toEqual(['api', 'cli', 'docs']);
    expect(filterIds(view, 'command')).toEqual(['cli']);
    expect(filterIds(view, 'pending')).toEqual(['docs']);
    expect(filterIds(view, '')).toEqual(['api', 'cli', 'docs']);
  });

  it('filters by state group, and by both filters at once', () => {
    const ev = eventFactory();
    const events = busyRun();
    const later = ev({ type: 'task.failed', taskId: 'cli', reason: 'x' });
    const failed = reduceRunBatch(view, [{ ...later, seq: events.length + 1 }]);
    expect(filterIds(failed, '', 'running')).toEqual(['api']);
    expect(filterIds(failed, '', 'waiting')).toEqual(['docs']);
    expect(filterIds(failed, '', 'failed')).toEqual(['cli']);
    expect(filterIds(failed, '', 'merged')).toEqual([]);
    expect(filterIds(failed, 'greet', 'running')).toEqual(['api']);
    expect(filterIds(failed, 'docs', 'running')).toEqual([]);
    expect(filterLabel('api', 'running')).toBe('running /api');
    expect(filterLabel('', 'all')).toBe('');
  });
});

describe('agent window', () => {
  it.each([
    // total, at, rows, previous top -> top, count, above, below
    [3, 2, 6, 0, { top: 0, count: 3, above: 0, below: 0 }],
    [20, 0, 6, 0, { top: 0, count: 5, above: 0, below: 15 }],
    [20, 5, 6, 0, { top: 2, count: 4, above: 2, below: 14 }],
    [20, 19, 6, 0, { top: 15, count: 5, above: 15, below: 0 }],
    [20, 10, 6, 9, { top: 9, count: 4, above: 9, below: 7 }],
    [20, 3, 6, 9, { top: 3, count: 4, above: 3, below: 13 }],
    // A stale top past the end (the list got shorter) comes back so no row is left empty.
    [8, 7, 6, 40, { top: 3, count: 5, above: 3, below: 0 }],
    // Too few rows for the "more" rows: just the cursor's neighbourhood.
    [20, 7, 1, 0, { top: 7, count: 1, above: 0, below: 0 }],
    [20, 7, 2, 0, { top: 6, count: 2, above: 0, below: 0 }],
    [20, 7, 0, 0, { top: 0, count: 0, above: 0, below: 0 }],
    [0, 0, 6, 3, { top: 0, count: 0, above: 0, below: 0 }],
  ])('%i agents, cursor %i, %i rows, top %i: %j', (total, at, rows, top, expected) => {
    const window = agentWindow(total, at, rows, top);
    expect(window).toEqual(expected);
    // The cursor is always shown, and the rows used never exceed the pane's.
    if (rows > 0 && total > 0) {
      expect(at).toBeGreaterThanOrEqual(window.top);
      expect(at).toBeLessThan(window.top + window.count);
      expect(window.count + (window.above > 0 ? 1 : 0) + (window.below > 0 ? 1 : 0)).toBeLessThanOrEqual(
        rows,
      );
    }
  });

  it('keeps every cursor of a long list in view at every height', () => {
    for (let rows = 1; rows <= 12; rows += 1) {
      let top = 0;
      for (const at of [0, 1, 5, 29, 28, 10, 0, 29, 15]) {
        const window = agentWindow(30, at, rows, top);
        expect(at - window.top).toBeGreaterThanOrEqual(0);
        expect(at - window.top).toBeLessThan(window.count);
        top = window.top;
      }
    }
  });
});
