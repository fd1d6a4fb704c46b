import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatcher, defaultMaxFps } from './batch.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('batcher', () => {
  it('hands a burst over in one batch and keeps at most maxFps batches a second', () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number>((items) => batches.push(items), {
      maxFps: 10,
      now: () => Date.now(),
    });
    for (let i = 0; i < 100; i += 1) batcher.push(i);
    expect(batches).toHaveLength(0);
    // The timer falls due, then the batch goes in the check phase (a fake setImmediate here).
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([Array.from({ length: 100 }, (_, i) => i)]);
    // A steady stream over one second: about ten batches, never one per item.
    for (let ms = 0; ms < 1000; ms += 5) {
      batcher.push(ms);
      vi.advanceTimersByTime(5);
    }
    expect(batches.length - 1).toBeGreaterThanOrEqual(9);
    expect(batches.length - 1).toBeLessThanOrEqual(11);
  });

  it('keeps the dashboard at 6 batches a second unless told otherwise', () => {
    expect(defaultMaxFps).toBe(6);
    const batches: number[][] = [];
    const batcher = createBatcher<number>((items) => batches.push(items), { now: () => Date.now() });
    // A steady stream over two seconds (an event every 5 ms): one batch per 1/6 s, never more.
    for (let ms = 0; ms < 2000; ms += 5) {
      batcher.push(ms);
      vi.advanceTimersByTime(5);
    }
    expect(batches.length).toBeGreaterThanOrEqual(11);
    expect(batches.length).toBeLessThanOrEqual(13);
    // What the last batch has not taken yet is handed over by a flush: nothing is lost.
    batcher.flush();
    expect(batches.flat()).toEqual(Array.from({ length: 400 }, (_, i) => i * 5));
  });

  it('schedules nothing while idle, and flushes or drops on demand', () => {
    const batches: string[][] = [];
    const batcher = createBatcher<string>((items) => batches.push(items));
    expect(vi.getTimerCount()).toBe(0);
    batcher.push('a');
    expect(vi.getTimerCount()).toBe(1);
    batcher.flush();
    expect(batches).toEqual([['a']]);
    expect(vi.getTimerCount()).toBe(0);
    batcher.push('b');
    batcher.close();
    vi.runAllTimers();
    expect(batches).toEqual([['a']]);
  });
});
