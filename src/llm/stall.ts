import { LlmError } from './errors.js';
import type { ProviderName } from './types.js';

/**
 * Iterate `source`, failing with a `stalled` LlmError when no item arrives within `ms`
 * (the first byte included); `abort` cancels the underlying request.
 */
export async function* withStallTimeout<T>(
  source: AsyncIterable<T>,
  ms: number,
  provider: ProviderName,
  abort: () => void,
): AsyncIterable<T> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const next = iterator.next();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abort();
          // The aborted request rejects later; nobody awaits it any more.
          next.catch(() => undefined);
          reject(new LlmError(provider, 'stalled', `the ${provider} stream stalled: nothing for ${ms} ms`));
        }, ms);
      });
      try {
        const result = await Promise.race([next, timeout]);
        if (result.done) {
          finished = true;
          return;
        }
        yield result.value;
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
