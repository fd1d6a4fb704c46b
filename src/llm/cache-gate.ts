import { createHash } from 'node:crypto';
import type { TurnRequest } from './types.js';

/** A cache entry is usable only after the first response begins; providers keep it ~5 minutes. */
const WARM_FOR_MS = 4 * 60_000;

interface Entry {
  state: 'warming' | 'warm';
  warmUntil: number;
  waiters: (() => void)[];
}

/** The shared prefix of a request (model, cached system segments, tools), or null without one. */
export function prefixKey(provider: string, request: TurnRequest): string | null {
  const cached = request.system.filter((s) => s.cache === true);
  if (cached.length === 0) return null;
  const last = request.system.map((s) => s.cache === true).lastIndexOf(true);
  return createHash('sha256')
    .update(
      JSON.stringify([
        provider,
        request.model,
        request.cacheKey ?? null,
        request.tools ?? [],
        request.system.slice(0, last + 1),
      ]),
    )
    .digest('hex');
}

/**
 * Fan-out warm-up: of many requests sharing a prefix, the first goes alone and the rest wait for
 * its first token, so the provider writes the cache once and the others read it.
 */
export class CacheGate {
  private readonly entries = new Map<string, Entry>();

  /** Resolves true when the caller must warm the cache (go first), false when it is warm. */
  async enter(key: string, signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      const entry = this.entries.get(key);
      if (!entry || (entry.state === 'warm' && Date.now() > entry.warmUntil)) {
        this.entries.set(key, { state: 'warming', warmUntil: 0, waiters: [] });
        return true;
      }
      if (entry.state === 'warm') {
        entry.warmUntil = Date.now() + WARM_FOR_MS;
        return false;
      }
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal?.reason ?? new Error('aborted'));
        signal?.addEventListener('abort', onAbort, { once: true });
        entry.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
  }

  /** The warming request's first token arrived: everyone may go. */
  warmed(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.state = 'warm';
    entry.warmUntil = Date.now() + WARM_FOR_MS;
    for (const wake of entry.waiters.splice(0)) wake();
  }

  /** The warming request failed before any token: the next waiter becomes the warmer. */
  failed(key: string): void {
    const entry = this.entries.get(key);
    if (!entry || entry.state !== 'warming') return;
    this.entries.delete(key);
    for (const wake of entry.waiters.splice(0)) wake();
  }
}
