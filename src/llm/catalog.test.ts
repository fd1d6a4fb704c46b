import { describe, expect, it } from 'vitest';
import { catalogEntries, effortFor, findModel, parseModelName } from './catalog.js';
import { resolveModel } from './resolve.js';
import { checkModelPrice } from './price-check.js';

describe('model catalog', () => {
  it('has one entry per id, each with its limits, source and date', () => {
    const ids = catalogEntries().flatMap((e) => [e.id, ...(e.aliases ?? [])]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of catalogEntries()) {
      expect(e.contextWindow, e.id).toBeGreaterThan(e.maxOutputTokens);
      expect(e.source, e.id).not.toBe('');
      expect(e.checked, e.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (e.provider !== 'ollama') expect(e.price?.input, e.id).toBeGreaterThan(0);
      if (e.reasoning?.defaultEffort && e.reasoning.style !== 'ollama')
        expect(e.reasoning.efforts, e.id).toContain(e.reasoning.defaultEffort);
    }
  });

  it('finds exact ids, aliases and Ollama tags, never a neighbour by prefix', () => {
    expect(findModel('claude-haiku-4-5-20251001')?.id).toBe('claude-haiku-4-5');
    expect(findModel('gpt-5.6')?.id).toBe('gpt-5.6-sol');
    expect(findModel('qwen3:8b')?.id).toBe('qwen3');
    expect(findModel('ollama:qwen3-coder:30b')?.id).toBe('qwen3-coder');
    expect(findModel('claude-opus-5-5-preview')).toBeUndefined();
    expect(findModel('gpt-6.2')).toBeUndefined();
    expect(findModel('anthropic:gpt-6.2-sol')).toBeUndefined();
    expect(findModel('gpt-6.2-sol', 'openai')?.maxOutputTokens).toBe(128_000);
  });

  it('has small-window models for the fake server', () => {
    expect(findModel('maestro-test-small-gpt')).toMatchObject({ provider: 'openai', contextWindow: 8192 });
    expect(findModel('maestro-test-small-claude')).toMatchObject({
      provider: 'anthropic',
      contextWindow: 8192,
    });
  });

  it('picks the configured effort only where the model accepts it', () => {
    const sol = findModel('gpt-6.2-sol')!;
    const terra = findModel('gpt-6.1-terra')!;
    expect(effortFor(sol, undefined)).toBe('medium');
    expect(effortFor(sol, 'high')).toBe('high');
    expect(effortFor(sol, 'none')).toBe('medium'); // the API refuses none on this model
    expect(effortFor(terra, 'none')).toBe('none');
  });
});

describe('model names with a provider prefix', () => {
  const config = { provider: 'auto' as const };
  it('resolves openai:, anthropic: and ollama: names, and resolves their name again the same way', () => {
    expect(parseModelName('ollama:qwen3:8b')).toEqual({ provider: 'ollama', model: 'qwen3:8b' });
    for (const name of ['ollama:my-local-model', 'openai:my-vllm-model', 'anthropic:claude-next']) {
      const first = resolveModel(name, config);
      expect(resolveModel(first.name, config)).toEqual(first);
    }
    expect(resolveModel('ollama:my-local-model', config)).toMatchObject({
      provider: 'ollama',
      model: 'my-local-model',
    });
    expect(resolveModel('qwen3', config).provider).toBe('ollama');
    // A prefix beats --provider: the name is explicit.
    expect(resolveModel('openai:gpt-6-luna', config, 'anthropic').provider).toBe('openai');
    expect(() => resolveModel('mystery', config)).toThrow(/write openai:mystery/);
  });
});

describe('run-start price check', () => {
  const noBudget = { budget: { runUsd: null, taskUsd: null }, pricing: {} };
  const budget = { budget: { runUsd: 5, taskUsd: null }, pricing: {} };
  const resolved = (name: string) => resolveModel(name, { provider: 'auto' });
  it('says nothing for catalog models and warns once for others', () => {
    expect(checkModelPrice(resolved('gpt-6.2-sol'), budget)).toBeUndefined();
    expect(checkModelPrice(resolved('openai:my-vllm-model'), noBudget)).toMatch(
      /my-vllm-model is not in maestro's model catalog.*\$0/,
    );
  });
  it('refuses a budgeted run on an unpriced model (exit 2) unless the config prices it', () => {
    expect(() => checkModelPrice(resolved('openai:my-vllm-model'), budget)).toThrow(
      expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/"pricing"/) }),
    );
    const priced = { ...budget, pricing: { 'my-vllm-model': { input: 1, output: 2 } } };
    expect(checkModelPrice(resolved('openai:my-vllm-model'), priced)).toMatch(/priced from the config/);
    expect(checkModelPrice(resolved('ollama:my-local'), budget)).toMatch(/free/);
  });
});
