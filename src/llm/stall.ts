import { LlmError } from './errors.js';
import type { ProviderName } from './types.js';

/**
 * When bytes of an answer last arrived. Providers touch it for every chunk read from the socket
 * (see wire-activity.ts), so a tool call whose arguments stream slowly, a long think or a stream of
 * pings keeps the turn alive even though no complete event has been handed on yet.
 */
export class WireClock {
  private last = Date.now();
  readonly touch = (): void => {
    this.last = Date.now();
  };
  idleMs(now = Date.now()): number {
    return now - this.last;
  }
}

/**
 * Iterate `source`, failing with a `stalled` LlmError when neither an item nor a touch of `clock`
 * came for `ms` (the first byte included); `abort` cancels the underlying request.
 */
export async function* withStallTimeout<T>(
  source: AsyncIterable<T>,
  ms: number,
  provider: ProviderName,
  abort: () => void,
  clock: WireClock = new WireClock(),
): AsyncIterable<T> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  let stalled: ((error: LlmError) => void) | undefined;
  const stall = new Promise<never>((_, reject) => (stalled = reject));
  stall.catch(() => undefined);
  const watch = () => {
    const idle = clock.idleMs();
    if (idle < ms) {
      timer = setTimeout(watch, ms - idle);
      return;
    }
    abort();
    stalled?.(new LlmError(provider, 'stalled', `the ${provider} stream stalled: nothing for ${ms} ms`));
  };
  clock.touch();
  timer = setTimeout(watch, ms);
  try {
    for (;;) {
      const next = iterator.next();
      // An aborted request rejects later; nobody awaits it any more.
      next.catch(() => undefined);
      const result = await Promise.race([next, stall]);
      clock.touch();
      if (result.done) {
        finished = true;
        return;
      }
      // The consumer's own time is not the stream's: the clock stops while it holds the value.
      clearTimeout(timer);
      yield result.value;
      clock.touch();
      timer = setTimeout(watch, ms);
    }
  } finally {
    clearTimeout(timer);
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
