import type { PricingEntry } from '../config/schema.js';
import type { Usage } from './types.js';

/** Dollars per million tokens. */
export interface Price {
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
}

const openai = (input: number, cachedInput: number, output: number): Price => ({
  input,
  cachedInput,
  cacheWrite: input,
  output,
});
// Anthropic: a 5-minute cache write costs 1.25x input, a read 0.1x.
const anthropic = (input: number, output: number): Price => ({
  input,
  cachedInput: input * 0.1,
  cacheWrite: input * 1.25,
  output,
});

/** List prices (USD per million tokens); a model matches its longest key followed by "-" or nothing. */
export const BUILTIN_PRICES: Readonly<Record<string, Price>> = {
  'gpt-4o': openai(2.5, 1.25, 10),
  'gpt-4o-mini': openai(0.15, 0.075, 0.6),
  'gpt-4.1': openai(2, 0.5, 8),
  'gpt-4.1-mini': openai(0.4, 0.1, 1.6),
  'gpt-4.1-nano': openai(0.1, 0.025, 0.4),
  'gpt-5': openai(1.25, 0.125, 10),
  'gpt-5-mini': openai(0.25, 0.025, 2),
  'gpt-5-nano': openai(0.05, 0.005, 0.4),
  o1: openai(15, 7.5, 60),
  o3: openai(2, 0.5, 8),
  'o3-mini': openai(1.1, 0.55, 4.4),
  'o4-mini': openai(1.1, 0.275, 4.4),
  'claude-opus-4': anthropic(15, 75),
  'claude-opus-4-1': anthropic(15, 75),
  'claude-opus-4-5': anthropic(5, 25),
  'claude-opus-4-6': anthropic(5, 25),
  'claude-opus-4-7': anthropic(5, 25),
  'claude-sonnet-4': anthropic(3, 15),
  'claude-sonnet-4-5': anthropic(3, 15),
  'claude-sonnet-4-6': anthropic(3, 15),
  'claude-3-7-sonnet': anthropic(3, 15),
  'claude-haiku-4-5': anthropic(1, 5),
  'claude-3-5-haiku': anthropic(0.8, 4),
};

export interface PriceLookup {
  price: Price;
  /** false when no table entry matched: the cost shows as 0 and the UI should say "price unknown". */
  known: boolean;
}

const FREE: Price = { input: 0, cachedInput: 0, cacheWrite: 0, output: 0 };

function longestMatch<T>(table: Readonly<Record<string, T>>, model: string): T | undefined {
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if ((model === key || model.startsWith(`${key}-`)) && (!best || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}

/**
 * The price of a model as the user named it: config `pricing` first (same matching), then the
 * built-in table; Ollama models (`ollama:` names or provider `ollama`) are free.
 */
export function priceOf(
  model: string,
  overrides: Record<string, PricingEntry> = {},
  provider?: string,
): PriceLookup {
  const own = longestMatch(overrides, model);
  if (own) {
    return {
      price: {
        input: own.input,
        cachedInput: own.cachedInput ?? own.input,
        cacheWrite: own.cacheWrite ?? own.input,
        output: own.output,
      },
      known: true,
    };
  }
  if (provider === 'ollama' || model.startsWith('ollama:')) return { price: FREE, known: true };
  const builtin = longestMatch(BUILTIN_PRICES, model);
  return builtin ? { price: builtin, known: true } : { price: FREE, known: false };
}

export interface Cost {
  usd: number;
  known: boolean;
}

/** Dollars for one turn's usage. */
export function costOf(
  model: string,
  usage: Usage,
  overrides: Record<string, PricingEntry> = {},
  provider?: string,
): Cost {
  const { price, known } = priceOf(model, overrides, provider);
  const usd =
    (usage.inputTokens * price.input +
      usage.cachedInputTokens * price.cachedInput +
      usage.cacheWriteTokens * price.cacheWrite +
      usage.outputTokens * price.output) /
    1_000_000;
  return { usd, known };
}
