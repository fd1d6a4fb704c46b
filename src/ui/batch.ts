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

export function createBatcher<T>(
  onBatch: (items: T[]) => void,
  options: { maxFps?: number; now?: () => number } = {},
): Batcher<T> {
  // 10 a second: at 50 agents every frame redraws most of the screen (~20 ms of Ink each), and
  // 10 frames read as live as 15 while leaving a third more of the core to keys and agents.
  const interval = 1000 / (options.maxFps ?? 10);
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
