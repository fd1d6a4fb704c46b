import { LlmError } from './errors.js';
import type { ProviderName } from './types.js';

export interface LimiterOptions {
  provider: ProviderName;
  /** Most requests in flight at once; the AIMD window never grows past it. */
  maxConcurrent: number;
  /** Tokens (input + output) admitted per window; unlimited when absent. */
  tokensPerMinute?: number | undefined;
  /** Length of the token window (default one minute). */
  windowMs?: number;
}

export interface Permit {
  /** Give the slot back; `tokens` replaces the estimate in the token window with the real count. */
  release(tokens?: number): void;
}

export interface LimiterSnapshot {
  window: number;
  active: number;
  queued: number;
  pausedUntil: number;
  tokensInWindow: number;
}

interface Waiter {
  tokens: number;
  resolve: (permit: Permit) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** "6m0s", "1.5s", "20ms", "1h2m3s" (OpenAI reset headers) as milliseconds. */
export function parseDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0) return undefined;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * (unit[u!] ?? 0), 0);
}

/**
 * One per provider, shared by every agent of the process: a concurrency window (additive increase
 * on success, halved on a 429) and a token-per-window budget. A 429 pauses everyone until its
 * retry-after has passed, so twenty agents do not stampede the API the moment it recovers.
 */
export class Limiter {
  readonly provider: ProviderName;
  private readonly max: number;
  private readonly tpm: number | undefined;
  private readonly windowMs: number;
  private window: number;
  private active = 0;
  private pausedUntil = 0;
  private readonly queue: Waiter[] = [];
  private readonly spent: { at: number; tokens: number }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: LimiterOptions) {
    this.provider = options.provider;
    this.max = Math.max(1, options.maxConcurrent);
    this.tpm = options.tokensPerMinute;
    this.windowMs = options.windowMs ?? 60_000;
    this.window = this.max;
  }

  /** Wait for a slot (and room for `tokens` in the token window). */
  acquire(tokens: number, signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(this.aborted());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        tokens,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(this.aborted());
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** A request succeeded: grow the window by about one slot per window's worth of successes. */
  succeeded(): void {
    this.window = Math.min(this.max, this.window + 1 / this.window);
    this.pump();
  }

  /** A 429: everyone waits `ms`; the window halves once per episode, not once per failed caller. */
  rateLimited(ms: number): void {
    const now = Date.now();
    if (now >= this.pausedUntil) this.window = Math.max(1, this.window / 2);
    this.pauseUntil(now + ms);
  }

  /** Rate-limit headers: when the provider says nothing is left, wait for its reset. */
  observeHeaders(headers: Headers): void {
    const get = (name: string) => headers.get(name) ?? undefined;
    const pairs: [string | undefined, string | undefined][] = [
      [get('x-ratelimit-remaining-requests'), get('x-ratelimit-reset-requests')],
      [get('x-ratelimit-remaining-tokens'), get('x-ratelimit-reset-tokens')],
      [get('anthropic-ratelimit-requests-remaining'), get('anthropic-ratelimit-requests-reset')],
      [get('anthropic-ratelimit-tokens-remaining'), get('anthropic-ratelimit-tokens-reset')],
    ];
    const now = Date.now();
    for (const [remaining, reset] of pairs) {
      if (remaining === undefined || Number(remaining) > 0 || reset === undefined) continue;
      const ms = parseDuration(reset) ?? Date.parse(reset) - now;
      if (Number.isFinite(ms) && ms > 0) this.pauseUntil(now + ms);
    }
  }

  snapshot(): LimiterSnapshot {
    this.prune(Date.now());
    return {
      window: this.window,
      active: this.active,
      queued: this.queue.length,
      pausedUntil: this.pausedUntil,
      tokensInWindow: this.spent.reduce((sum, s) => sum + s.tokens, 0),
    };
  }

  private pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.pump();
  }

  private aborted(): LlmError {
    return new LlmError(this.provider, 'aborted', `the ${this.provider} request was cancelled while queued`);
  }

  private prune(now: number): void {
    while (this.spent.length > 0 && this.spent[0]!.at <= now - this.windowMs) this.spent.shift();
  }

  private pump(): void {
    const now = Date.now();
    this.prune(now);
    while (this.queue.length > 0) {
      if (now < this.pausedUntil) return this.wakeAt(this.pausedUntil);
      if (this.active >= Math.floor(this.window)) return;
      const next = this.queue[0]!;
      const used = this.spent.reduce((sum, s) => sum + s.tokens, 0);
      // A request bigger than the whole budget still goes alone, or it would wait forever.
      if (this.tpm !== undefined && used > 0 && used + next.tokens > this.tpm) {
        return this.wakeAt(this.spent[0]!.at + this.windowMs);
      }
      this.queue.shift();
      next.signal?.removeEventListener('abort', next.onAbort);
      this.active++;
      const entry = { at: now, tokens: next.tokens };
      this.spent.push(entry);
      let released = false;
      next.resolve({
        release: (tokens) => {
          if (released) return;
          released = true;
          if (tokens !== undefined) entry.tokens = tokens;
          this.active--;
          this.pump();
        },
      });
    }
  }

  private wakeAt(time: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(1, time - Date.now()),
    );
  }
}
