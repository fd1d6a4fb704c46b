import type { ModelFacts, ModelFactsLookup } from '../model-facts.js';

/**
 * Models the fake server knows when the test names none of the catalog's: the facts its strict
 * mode enforces (output cap, window, thinking, sampling) and its cache minimum.
 */
const FAKE_MODELS: Record<string, ModelFacts> = {
  // A thinking-by-default model that refuses sampling parameters, as current Claude models do.
  'claude-sonnet-4-6': {
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    thinking: 'adaptive',
    thinksByDefault: true,
    canDisableThinking: true,
    temperature: 'never',
    topP: 'never',
    cacheMinTokens: 1024,
  },
  // A small window, for context-management tests.
  'maestro-test-small-claude': {
    contextWindow: 8192,
    maxOutputTokens: 2048,
    thinking: 'adaptive',
    thinksByDefault: true,
    canDisableThinking: true,
    temperature: 'never',
    topP: 'never',
    cacheMinTokens: 1024,
  },
};

export const fakeModelFacts: ModelFactsLookup = (model) => FAKE_MODELS[model];
