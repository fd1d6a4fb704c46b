import { describe, expect, it } from 'vitest';
import { CacheSim, sharedLength } from './cache-sim.js';
import type { RequestView } from './request-view.js';

function openAiView(cachePrefix: string): RequestView {
  return {
    provider: 'openai',
    model: 'gpt-4o',
    stream: true,
    system: '',
    messages: [],
    tools: [],
    cachePrefix,
    cacheMode: 'longest',
    prompt: cachePrefix,
    headers: {},
    wantsUsage: true,
  };
}

describe('sharedLength', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 0],
    ['abc', 'abd', 2],
    ['abc', 'abc', 3],
    ['abc', 'abcdef', 3],
    // Parting inside the first block, on a block's edge, and blocks in.
    ['x'.repeat(100) + 'a', 'x'.repeat(100) + 'b', 100],
    ['x'.repeat(4096) + 'a', 'x'.repeat(4096) + 'b', 4096],
    ['x'.repeat(4095) + 'a' + 'x'.repeat(10), 'x'.repeat(4096 + 10), 4095],
    ['x'.repeat(9_000) + 'a' + 'y'.repeat(5_000), 'x'.repeat(9_000) + 'b' + 'y'.repeat(5_000), 9_000],
    ['x'.repeat(12_288), 'x'.repeat(12_288), 12_288],
  ])('%#: the first difference', (a, b, shared) => {
    expect(sharedLength(a, b)).toBe(shared);
    expect(sharedLength(b, a)).toBe(shared);
  });
});

describe('CacheSim, OpenAI (the longest shared prefix, in 128-token steps)', () => {
  it('reads what the longest remembered prompt shares, rounded down to 128 tokens', () => {
    const cache = new CacheSim();
    const shared = 'p'.repeat(9_000);
    cache.remember(openAiView(`${shared}${'a'.repeat(3_000)}`), 1024);
    cache.remember(openAiView('q'.repeat(20_000)), 1024);
    // 9,000 characters ≈ 2,250 tokens: 17 steps of 128.
    expect(cache.lookup(openAiView(`${shared}${'b'.repeat(3_000)}`), 1024)).toEqual({
      readTokens: 2_176,
      writeTokens: 0,
    });
    // Under the model's minimum, nothing is read.
    expect(cache.lookup(openAiView(`${'p'.repeat(3_000)}c`), 1024).readTokens).toBe(0);
  });
});
