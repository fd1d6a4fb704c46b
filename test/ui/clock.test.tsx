import stripAnsi from 'strip-ansi';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { CLOCK_MS, TuiApp } from '../../src/ui/components/App.js';
import { renderTui } from '../helpers/render-tui.js';
import { busyRun, eventFactory, MemorySource, recordingControl } from './fixtures.js';

// Fake clocks for the dashboard's timers and the batcher; setImmediate (React's scheduler, the
// batcher's hand-over) stays real, so each step lets the event loop turn until nothing is left.
beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
  });
  vi.setSystemTime(new Date('2026-01-01T12:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

async function turns(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

async function advance(ms: number): Promise<void> {
  vi.advanceTimersByTime(ms);
  await turns();
}

function setup() {
  const source = new MemorySource(busyRun());
  const tui = renderTui(<TuiApp source={source} control={recordingControl().control} />, {
    columns: 120,
    rows: 30,
  });
  const next = eventFactory('run-1');
  for (let i = 0; i < source.events.length; i += 1) next({ type: 'log', level: 'info', message: '' });
  return { source, tui, next };
}

/** The api agent's row (its spinner and its clock) and its spinner alone. */
function apiRow(frame: string): { row: string; spinner: string } {
  const row = stripAnsi(frame)
    .split('\n')
    .find((line) => line.includes('Add the greeting API'));
  return { row: row ?? '', spinner: /(\S) Add the greeting API/.exec(row ?? '')?.[1] ?? '' };
}

it("redraws a silent run's clocks and spinners once per CLOCK_MS, never while events stream, and not once nothing runs", async () => {
  const { source, tui, next } = setup();
  await turns();
  const frames = () => tui.stdout.frames.length;
  const first = frames();
  expect(first).toBeGreaterThan(0);
  const before = apiRow(tui.stdout.frames.at(-1) ?? '');

  // Silent: nothing until CLOCK_MS has passed, then one frame with the clock and the spinner moved.
  await advance(CLOCK_MS - 1);
  expect(frames()).toBe(first);
  await advance(1);
  expect(frames()).toBe(first + 1);
  const after = apiRow(tui.stdout.frames.at(-1) ?? '');
  expect(after.row).not.toBe(before.row);
  // The spinner turned along with the clock.
  expect(before.spinner).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
  expect(after.spinner).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
  expect(after.spinner).not.toBe(before.spinner);

  // An event every second for ten seconds: one frame each (its batch), no redraw of the clock's own.
  const streaming = frames();
  for (let i = 0; i < 10; i += 1) {
    source.emit(next({ type: 'agent.text', taskId: 'cli', text: `tok${i} ` }));
    await advance(1000);
  }
  expect(frames() - streaming).toBe(10);

  // Silent again: the clock is back, one frame per CLOCK_MS.
  const silent = frames();
  for (let i = 0; i < 3; i += 1) await advance(CLOCK_MS);
  expect(frames() - silent).toBe(3);

  // The run is over: nothing runs, nothing is scheduled.
  source.emit(
    next({
      type: 'run.finished',
      status: 'merged',
      merged: ['api', 'cli'],
      failed: [],
      conflicted: [],
      costUsd: 1,
      durationMs: 1,
    }),
  );
  await advance(1000);
  expect(tui.frame()).toContain('finished: merged');
  const finished = frames();
  for (let i = 0; i < 5; i += 1) await advance(CLOCK_MS);
  expect(frames()).toBe(finished);
  expect(vi.getTimerCount()).toBe(0);
});
