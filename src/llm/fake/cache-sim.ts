import type { RequestView } from './request-view.js';
import { estimateTokens } from './wire.js';

/** Tokens a request reads from the simulated prompt cache and writes to it. */
export interface CacheUse {
  readTokens: number;
  writeTokens: number;
}

/**
 * The fake's prompt cache. Anthropic: every `cache_control` mark ends a cacheable prefix; a hit
 * on ANY of them reads it (the API checks each breakpoint, which is what lets Claude Code's
 * moving marks hit), and what lies after the longest hit up to the last mark is written.
 * Prefixes under the model's minimum are never cached, as the API does silently.
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching
 * OpenAI: automatic, the longest prefix shared with an earlier prompt, in 128-token steps.
 */
export class CacheSim {
  private readonly seen = new Set<string>();
  private readonly prompts: string[] = [];

  lookup(view: RequestView, minTokens: number): CacheUse {
    if (view.cacheMode === 'longest') return { readTokens: this.longest(view, minTokens), writeTokens: 0 };
    const prefixes = this.marked(view, minTokens);
    let readTokens = 0;
    for (const prefix of prefixes) {
      if (this.seen.has(prefix)) readTokens = Math.max(readTokens, estimateTokens(prefix));
    }
    const last = prefixes.at(-1);
    const writeTokens =
      last !== undefined && !this.seen.has(last) ? Math.max(0, estimateTokens(last) - readTokens) : 0;
    return { readTokens, writeTokens };
  }

  /** The response began: its prefixes can be read from now on. */
  remember(view: RequestView, minTokens: number): void {
    if (view.cachePrefix === null) return;
    if (view.cacheMode === 'exact') {
      for (const prefix of this.marked(view, minTokens)) this.seen.add(prefix);
    } else if (this.prompts.push(view.cachePrefix) > 200) this.prompts.shift();
  }

  private marked(view: RequestView, minTokens: number): string[] {
    const all = view.cachePrefixes ?? (view.cachePrefix === null ? [] : [view.cachePrefix]);
    return all.filter((prefix) => estimateTokens(prefix) >= Math.max(1, minTokens));
  }

  private longest(view: RequestView, minTokens: number): number {
    const prefix = view.cachePrefix;
    if (prefix === null) return 0;
    let longest = 0;
    for (const seen of this.prompts) longest = Math.max(longest, sharedLength(seen, prefix));
    const tokens = Math.floor(Math.floor(longest / 4) / 128) * 128;
    return tokens >= minTokens ? tokens : 0;
  }
}

/**
 * How many leading characters `a` and `b` share. Whole blocks compare natively, the block where
 * they part char by char: a char loop over 200 remembered prompts of tens of kB each was the
 * fake's (and bench/scale's built-in run's) largest CPU cost, ~60 ms a request.
 */
export function sharedLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  const block = 4096;
  let i = 0;
  while (i + block <= n && a.slice(i, i + block) === b.slice(i, i + block)) i += block;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
