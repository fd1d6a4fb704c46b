import { describe, expect, it } from 'vitest';
import { costOf, priceOf } from './pricing.js';
import { Budget } from './budget.js';

const usage = (inputTokens: number, outputTokens: number, cachedInputTokens = 0, cacheWriteTokens = 0) => ({
  inputTokens,
  outputTokens,
  cachedInputTokens,
  cacheWriteTokens,
});

describe('pricing', () => {
  it('matches the longest model key, dated names included', () => {
    expect(priceOf('gpt-4o-mini').price.input).toBe(0.15);
    expect(priceOf('gpt-4o-2024-08-06').price.input).toBe(2.5);
    expect(priceOf('claude-opus-4-1-20250805').price.output).toBe(75);
    expect(priceOf('claude-haiku-4-5-20251001').price.input).toBe(1);
    expect(priceOf('o3-mini').price.input).toBe(1.1);
  });

  it('turns usage into dollars, cache reads and writes at their own rates', () => {
    // claude-sonnet-4-6: $3 in, $0.30 cached, $3.75 write, $15 out per million.
    const cost = costOf('claude-sonnet-4-6', usage(1_000_000, 1_000_000, 1_000_000, 1_000_000));
    expect(cost.usd).toBeCloseTo(3 + 15 + 0.3 + 3.75, 10);
    expect(cost.known).toBe(true);
    expect(costOf('gpt-4o', usage(1000, 100, 2000)).usd).toBeCloseTo(
      (1000 * 2.5 + 100 * 10 + 2000 * 1.25) / 1e6,
      12,
    );
  });

  it('is free for ollama, unknown (0, flagged) for other unlisted models, and overridable', () => {
    expect(costOf('ollama:llama3', usage(1e6, 1e6))).toEqual({ usd: 0, known: true });
    expect(costOf('mystery-model', usage(1e6, 1e6))).toEqual({ usd: 0, known: false });
    const overrides = { 'gpt-4o': { input: 1, output: 2 }, 'mystery-model': { input: 5, output: 5 } };
    expect(costOf('gpt-4o', usage(1e6, 1e6), overrides).usd).toBe(3);
    expect(costOf('mystery-model', usage(1e6, 0, 1e6), overrides)).toEqual({ usd: 10, known: true });
  });
});

describe('budget', () => {
  it('says which cap was crossed', () => {
    const budget = new Budget({ runUsd: 1, taskUsd: 0.4 });
    budget.add('a', 0.3);
    budget.add('b', 0.3);
    expect(budget.check()).toBeNull();
    budget.add('a', 0.15);
    expect(budget.check('a')).toMatchObject({ scope: 'task', taskId: 'a', limitUsd: 0.4 });
    expect(budget.check('a')?.spentUsd).toBeCloseTo(0.45, 10);
    expect(budget.check('b')).toBeNull();
    expect(budget.check()).toMatchObject({ scope: 'task', taskId: 'a' });
    budget.add('b', 0.3);
    expect(budget.check('b')).toMatchObject({ scope: 'run', limitUsd: 1 });
    expect(budget.runSpent()).toBeCloseTo(1.05, 10);
  });

  it('never trips without caps', () => {
    const budget = new Budget({ runUsd: null, taskUsd: null });
    budget.add('a', 1000);
    expect(budget.check('a')).toBeNull();
  });
});

describe('ollama by provider', () => {
  it('is free whatever the model is called when the provider is ollama', () => {
    expect(costOf('llama3', usage(1e6, 1e6), {}, 'ollama')).toEqual({ usd: 0, known: true });
    expect(costOf('llama3', usage(1e6, 1e6), { llama3: { input: 1, output: 1 } }, 'ollama').usd).toBe(2);
  });
});
