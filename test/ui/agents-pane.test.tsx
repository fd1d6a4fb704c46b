import { describe, expect, it } from 'vitest';
import { TuiApp } from '../../src/ui/components/App.js';
import { keys, renderTui } from '../helpers/render-tui.js';
import { eventFactory, manyAgents, MemorySource, recordingControl } from './fixtures.js';
import type { RunEvent } from '../../src/events.js';

/** 50 agents: t01-t38 running, t39 failed, t40 conflicted, t41-t46 merged, t47-t50 pending. */
const fifty = () => manyAgents(50, { running: 38, failed: 1, conflicted: 1, merged: 6 });

function setup(options: { columns?: number; rows?: number; events?: RunEvent[] } = {}) {
  const source = new MemorySource(options.events ?? fifty());
  const { control } = recordingControl();
  const tui = renderTui(<TuiApp source={source} control={control} env={{ SHELL: '/bin/true' }} />, {
    columns: options.columns ?? 120,
    rows: options.rows ?? 30,
  });
  const next = eventFactory('run-1');
  for (let i = 0; i < source.events.length; i += 1) next({ type: 'log', level: 'info', message: '' });
  return { source, tui, next };
}

/** The agent ids listed in the agents pane, top to bottom (the cursor row is marked "›"). */
function listed(frame: string): string[] {
  return [...frame.matchAll(/Task (t\d\d)/g)].map((match) => match[1] ?? '');
}

/** `tNN` ids from `from` to `to`, both included. */
function ids(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `t${String(from + i).padStart(2, '0')}`);
}

function cursorRow(frame: string): string | undefined {
  return /›\S* Task (t\d\d)/.exec(frame)?.[1];
}

describe('agents pane at 50 agents', () => {
  it('keeps the selection in view as it moves past the rows shown, with "more" rows', async () => {
    // 120x30: the agents pane is 17 rows tall, so 14 rows inside it.
    const { tui } = setup();
    let frame = await tui.waitFor('Activity · t01');
    expect(listed(frame)).toEqual(ids(1, 13));
    expect(frame).toContain('↓ 37 more');
    expect(frame).not.toContain('↑');
    for (let i = 0; i < 14; i += 1) await tui.press('j');
    frame = await tui.waitFor('Activity · t15');
    expect(cursorRow(frame)).toBe('t15');
    // The list scrolled just enough: t15 is its last row, under "↑ 3 more".
    expect(listed(frame)).toEqual(ids(4, 15));
    expect(frame).toContain('↑ 3 more');
    expect(frame).toContain('↓ 35 more');
    // Back up one: the list stays where it is.
    await tui.press('k');
    frame = await tui.waitFor('Activity · t14');
    expect(listed(frame)).toEqual(ids(4, 15));
  });

  it('pages with PgDn/PgUp and jumps with end/home (G/g)', async () => {
    const { tui } = setup();
    await tui.waitFor('Activity · t01');
    // A page is the 12 rows between the two "more" rows.
    await tui.press(keys.pageDown);
    let frame = await tui.waitFor('Activity · t13');
    expect(cursorRow(frame)).toBe('t13');
    await tui.press(keys.end);
    frame = await tui.waitFor('Activity · t50');
    expect(cursorRow(frame)).toBe('t50');
    expect(listed(frame).at(-1)).toBe('t50');
    expect(frame).toContain('↑ 37 more');
    expect(frame).not.toContain('↓');
    await tui.press(keys.pageUp);
    frame = await tui.waitFor('Activity · t38');
    expect(cursorRow(frame)).toBe('t38');
    await tui.press('g');
    frame = await tui.waitFor('Activity · t01');
    expect(frame).not.toContain('↑');
    await tui.press('G');
    await tui.waitFor('Activity · t50');
    await tui.press(keys.home);
    await tui.waitFor('Activity · t01');
  });

  it.each([
    [120, 10],
    [80, 12],
    [70, 9],
    [160, 15],
  ])('shows the selected agent at %ix%i', async (columns, rows) => {
    const { tui } = setup({ columns, rows });
    await tui.waitFor(/›\S* Task t01/);
    for (let i = 0; i < 7; i += 1) await tui.press('j');
    const frame = await tui.waitFor(/›\S* Task t08/);
    expect(frame.split('\n').length).toBeLessThanOrEqual(rows - 1);
  });

  it('filters by text with / and by state with f; the title says so and escape clears both', async () => {
    const { tui } = setup();
    await tui.waitFor('Activity · t01');
    await tui.press('/', 't', '4');
    // While typing, the list already narrows.
    let frame = await tui.waitFor('/t4█');
    expect(listed(frame)).toEqual(ids(40, 49));
    await tui.press(keys.enter);
    frame = await tui.waitFor('· /t4: 10');
    expect(listed(frame)).toEqual(ids(40, 49));
    // The selection moved onto a listed agent.
    expect(cursorRow(frame)).toBe('t40');
    // f: running agents among them (none: t01-t38 run), then escape clears both filters.
    await tui.press('f');
    frame = await tui.waitFor('· running /t4: 0');
    expect(frame).toContain('no agent matches');
    await tui.press(keys.escape);
    frame = await tui.waitFor('↓ 37 more');
    expect(frame).toMatch(/│Agents 38\/50 active +│/);
    await tui.press('f', 'f', 'f');
    frame = await tui.waitFor('· failed: 1');
    expect(listed(frame)).toEqual(['t39']);
    expect(cursorRow(frame)).toBe('t39');
    await tui.press('f');
    frame = await tui.waitFor('· conflicted: 1');
    expect(listed(frame)).toEqual(['t40']);
    await tui.press('f');
    frame = await tui.waitFor('· merged: 6');
    expect(listed(frame)).toEqual(['t41', 't42', 't43', 't44', 't45', 't46']);
    await tui.press('f');
    frame = await tui.waitFor(/│Agents 38\/50 active +│/);
    expect(frame).toMatch(/↑ \d+ more/);
    // The selection stayed on t41, in view in the whole list again.
    expect(cursorRow(frame)).toBe('t41');
  });

  it('sums the agents up by state in the footer, shorter on a narrow terminal', async () => {
    let { tui } = setup({ columns: 160 });
    let frame = await tui.waitFor('Activity · t01');
    // Room for all of it: the run id leads, every state in words.
    expect(frame.split('\n').at(-2)).toMatch(
      /· run-1 · running · \d\d:\d\d · 50 agents · 38 running · 4 pending · 6 merged · 1 conflicted · 1 failed$/,
    );
    tui.unmount();
    // Narrower: the run id goes first, then the words shorten.
    ({ tui } = setup({ columns: 100 }));
    frame = await tui.waitFor('Activity · t01');
    expect(frame.split('\n').at(-2)).toMatch(/· 50 agents · 38 run · 4 pend · 6 mrgd · 1 cnfl · 1 fail$/);
    tui.unmount();
    // The failed and conflicted agents are the last to go; the others are summed up in "+N".
    ({ tui } = setup({ columns: 80 }));
    frame = await tui.waitFor('Activity · t01');
    expect(frame.split('\n').at(-2)).toMatch(/· 50 · 38 run · 6 mrgd · 1 cnfl · 1 fail · \+4$/);
    tui.unmount();
    ({ tui } = setup({ columns: 60 }));
    frame = await tui.waitFor('Activity · t01');
    expect(frame.split('\n').at(-2)).toMatch(/· 50 · 1 fail · \+49$/);
  });

  it('follows live state changes in the counts', async () => {
    const { tui, source, next } = setup();
    await tui.waitFor('38 running');
    source.emit(next({ type: 'task.failed', taskId: 't01', reason: 'x' }));
    await tui.waitFor('37 running');
    expect(tui.frame()).toContain('2 failed');
  });
});
