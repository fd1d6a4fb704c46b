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
  it('prices exact catalog ids and aliases, never a neighbour by prefix', () => {
    expect(priceOf('gpt-6.2-sol').price).toMatchObject({ input: 2, cachedInput: 0.1, output: 10 });
    expect(priceOf('claude-haiku-4-5-20251001').price.input).toBe(1);
    expect(priceOf('claude-opus-4-8').price).toMatchObject({ input: 5, output: 25 });
    // A later model is unknown until the catalog has it, not priced as its older sibling.
    expect(priceOf('claude-opus-4-9').known).toBe(false);
    expect(priceOf('gpt-6.2-sol-2027-01-01').known).toBe(false);
    expect(priceOf('gpt-4o').known).toBe(false);
  });

  it('reads provider-prefixed names and applies long-context rates', () => {
    expect(priceOf('openai:gpt-6.2-sol').price.input).toBe(2);
    expect(priceOf('anthropic:gpt-6.2-sol').known).toBe(false);
    // Over 272K input tokens OpenAI doubles input and charges 1.5x output for the whole request.
    const long = costOf('gpt-6.2-sol', usage(300_000, 1_000_000));
    expect(long.usd).toBeCloseTo((300_000 * 4 + 1_000_000 * 15) / 1e6, 10);
  });

  it('turns usage into dollars, cache reads and writes at their own rates', () => {
    // claude-sonnet-4-6: $3 in, $0.30 cached, $3.75 write, $15 out per million (no long-context tier).
    const cost = costOf('claude-sonnet-4-6', usage(1_000_000, 1_000_000, 1_000_000, 1_000_000));
    expect(cost.usd).toBeCloseTo(3 + 15 + 0.3 + 3.75, 10);
    expect(cost.known).toBe(true);
    expect(costOf('gpt-6-luna', usage(1000, 100, 2000)).usd).toBeCloseTo(
      (1000 * 0.1 + 100 * 0.5 + 2000 * 0.01) / 1e6,
      12,
    );
  });

  it('is free for ollama, unknown (0, flagged) for other unlisted models, and overridable by exact name', () => {
    expect(costOf('ollama:llama3', usage(1e6, 1e6))).toEqual({ usd: 0, known: true });
    expect(costOf('mystery-model', usage(1e6, 1e6))).toEqual({ usd: 0, known: false });
    const overrides = { 'gpt-6-luna': { input: 1, output: 2 }, 'mystery-model': { input: 5, output: 5 } };
    expect(costOf('gpt-6-luna', usage(1e6, 1e6), overrides).usd).toBe(3);
    expect(costOf('openai:mystery-model', usage(1e6, 0, 1e6), overrides)).toEqual({ usd: 10, known: true });
    expect(costOf('mystery-model-2', usage(1e6, 0), overrides).known).toBe(false);
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
