import { describe, expect, it } from 'vitest';
import { manyAgents } from '../../test/ui/fixtures.js';
import { stateSummary } from './state-summary.js';
import { initialRunView, reduceRunBatch } from './store/run-state.js';

const view = reduceRunBatch(
  initialRunView(),
  manyAgents(50, { running: 38, failed: 1, conflicted: 1, merged: 6 }),
);

describe('state summary', () => {
  it.each([
    [200, '50 agents · 38 running · 4 pending · 6 merged · 1 conflicted · 1 failed'],
    [60, '50 agents · 38 run · 4 pend · 6 mrgd · 1 cnfl · 1 fail'],
    [48, '50 · 38 run · 4 pend · 6 mrgd · 1 cnfl · 1 fail'],
    // Too narrow for every state: pending goes first, then merged; failed and conflicted stay.
    [43, '50 · 38 run · 6 mrgd · 1 cnfl · 1 fail · +4'],
    [35, '50 · 38 run · 1 cnfl · 1 fail · +10'],
    [20, '50 · 1 fail · +49'],
    [5, '50'],
    [1, ''],
  ])('in %i columns: %s', (width, expected) => {
    const summary = stateSummary(view, width);
    expect(summary).toBe(expected);
    expect(summary.length).toBeLessThanOrEqual(width);
  });

  it('is empty before the plan, and says "agent" for one', () => {
    expect(stateSummary(initialRunView(), 100)).toBe('');
    const one = reduceRunBatch(initialRunView(), manyAgents(1, { running: 1 }));
    expect(stateSummary(one, 100)).toBe('1 agent · 1 running');
  });
});
