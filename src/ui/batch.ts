/**
 * Collects items and hands them over at most `maxFps` times a second, so a burst of streamed
 * tokens costs one frame, not one render each. No timer runs while nothing arrives (idle CPU).
 *
 * A batch that falls due is handed over in the event loop's check phase (setImmediate), after the
 * poll phase of the same turn: a key read from the terminal while the previous frame was being
 * drawn is handled, and its frame drawn, before the batch's frame, not one ~20 ms frame after it.
 * (Node runs timers, then I/O callbacks, then setImmediate callbacks in each turn:
 * https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick)
 */
export interface Batcher<T> {
  push(item: T): void;
  /** Hands over what is queued now (used before suspending or quitting). */
  flush(): void;
  close(): void;
}

/** Batches a second when the caller does not say (the dashboard's streamed events). */
export const defaultMaxFps = 6;

export function createBatcher<T>(
  onBatch: (items: T[]) => void,
  options: { maxFps?: number; now?: () => number } = {},
): Batcher<T> {
  // 6 a second. At 50 agents a frame costs Ink 15-20 ms whatever changed (it lays out, paints and
  // diffs the whole screen; rows with box-drawing borders take string-width's slow path), so the
  // frame rate sets the UI's CPU: bench/tui measured 0.29 of a core at 10/s, 0.24 at 7/s, 0.21
  // at 5/s. Keys do not wait for this cadence: their frame is drawn at once.
  const interval = 1000 / (options.maxFps ?? defaultMaxFps);
  const now = options.now ?? (() => performance.now());
  let queue: T[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let immediate: ReturnType<typeof setImmediate> | undefined;
  let last = -Infinity;
  let closed = false;

  const cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
  };

  const flush = (): void => {
    cancel();
    if (queue.length === 0) return;
    last = now();
    const items = queue;
    queue = [];
    onBatch(items);
  };

  const due = (): void => {
    timer = undefined;
    immediate = setImmediate(flush);
  };

  return {
    push(item) {
      if (closed) return;
      queue.push(item);
      if (timer === undefined && immediate === undefined)
        timer = setTimeout(due, Math.max(0, last + interval - now()));
    },
    flush,
    close() {
      closed = true;
      cancel();
      queue = [];
    },
  };
}
