import type { PricingEntry } from '../config/schema.js';
import { entryPrice, findModel, parseModelName, type Price } from './catalog.js';
import type { ProviderName, Usage } from './types.js';

export type { Price } from './catalog.js';

export interface PriceLookup {
  price: Price;
  /** false when neither the config nor the catalog prices the model: the cost shows as 0. */
  known: boolean;
}

const FREE: Price = { input: 0, cachedInput: 0, cacheWrite: 0, cacheWriteLong: 0, output: 0 };

function fromConfig(own: PricingEntry): Price {
  const cacheWrite = own.cacheWrite ?? own.input;
  return {
    input: own.input,
    cachedInput: own.cachedInput ?? own.input,
    cacheWrite,
    cacheWriteLong: own.cacheWriteLong ?? cacheWrite,
    output: own.output,
  };
}

/** The config's own price for a model: its exact name, with or without the provider prefix. */
export function configuredPrice(
  model: string,
  overrides: Record<string, PricingEntry>,
): PricingEntry | undefined {
  return overrides[model] ?? overrides[parseModelName(model).model];
}

/**
 * The price of a model as the user named it (a provider prefix is allowed): config `pricing`
 * first (exact name), then the catalog (exact ids and aliases; no prefix guessing, so a newer
 * model is never priced as an older one). Local Ollama models are free. `inputTokens` (the
 * request's whole input) selects a long-context rate where the model has one.
 */
export function priceOf(
  model: string,
  overrides: Record<string, PricingEntry> = {},
  provider?: ProviderName,
  inputTokens = 0,
): PriceLookup {
  const own = configuredPrice(model, overrides);
  if (own) return { price: fromConfig(own), known: true };
  const name = parseModelName(model);
  if ((provider ?? name.provider) === 'ollama') return { price: FREE, known: true };
  const entry = findModel(model, provider);
  if (!entry) return { price: FREE, known: false };
  return { price: entryPrice(entry, inputTokens) ?? FREE, known: true };
}

export interface Cost {
  usd: number;
  known: boolean;
}

/** Dollars for one turn's usage (cache writes at the default retention's rate). */
export function costOf(
  model: string,
  usage: Usage,
  overrides: Record<string, PricingEntry> = {},
  provider?: ProviderName,
): Cost {
  const input = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  const { price, known } = priceOf(model, overrides, provider, input);
  const usd =
    (usage.inputTokens * price.input +
      usage.cachedInputTokens * price.cachedInput +
      usage.cacheWriteTokens * price.cacheWrite +
      usage.outputTokens * price.output) /
    1_000_000;
  return { usd, known };
}
