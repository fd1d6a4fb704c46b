/**
 * Collects items and hands them over at most `maxFps` times a second, so a burst of streamed
 * tokens costs one frame, not one render each. No timer runs while nothing arrives (idle CPU).
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
  let last = -Infinity;
  let closed = false;

  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (queue.length === 0) return;
    last = now();
    const items = queue;
    queue = [];
    onBatch(items);
  };

  return {
    push(item) {
      if (closed) return;
      queue.push(item);
      if (timer === undefined) timer = setTimeout(flush, Math.max(0, last + interval - now()));
    },
    flush,
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      queue = [];
    },
  };
}
