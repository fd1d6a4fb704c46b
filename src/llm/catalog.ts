import { MODEL_CATALOG } from './catalog-data.js';
import type { ModelEntry, Price, SamplingRule } from './catalog-types.js';
import type { ModelFacts } from './model-facts.js';
import type { ProviderName } from './types.js';

export type { ModelEntry, Price, Reasoning, SamplingRule } from './catalog-types.js';

const PROVIDERS: readonly ProviderName[] = ['openai', 'anthropic', 'ollama'];

export interface ModelName {
  /** The provider the name spells out (`openai:…`, `anthropic:…`, `ollama:…`), if any. */
  provider: ProviderName | undefined;
  /** The name the API knows (prefix removed). */
  model: string;
}

/** `openai:gpt-6.2-sol` → { provider: 'openai', model: 'gpt-6.2-sol' }; a bare name has no provider. */
export function parseModelName(name: string): ModelName {
  const colon = name.indexOf(':');
  const head = colon > 0 ? name.slice(0, colon) : '';
  if ((PROVIDERS as readonly string[]).includes(head)) {
    return { provider: head as ProviderName, model: name.slice(colon + 1) };
  }
  return { provider: undefined, model: name };
}

const byId = new Map<string, ModelEntry>();
for (const entry of MODEL_CATALOG) {
  for (const id of [entry.id, ...(entry.aliases ?? [])]) byId.set(id, entry);
}

/**
 * The catalog entry for a model name (a provider prefix is allowed), or undefined. Exact ids and
 * documented aliases only; an Ollama name also matches with any `:tag` (`qwen3:8b` → qwen3).
 * With `provider`, an entry of another provider does not match.
 */
export function findModel(name: string, provider?: ProviderName): ModelEntry | undefined {
  const parsed = parseModelName(name);
  const wanted = provider ?? parsed.provider;
  let entry = byId.get(parsed.model);
  if (!entry && wanted !== 'anthropic' && wanted !== 'openai') {
    const base = parsed.model.split(':')[0] ?? '';
    const local = byId.get(base);
    if (local?.provider === 'ollama') entry = local;
  }
  if (!entry || (wanted !== undefined && entry.provider !== wanted)) return undefined;
  return entry;
}

/** Every entry, in catalog order. */
export function catalogEntries(): readonly ModelEntry[] {
  return MODEL_CATALOG;
}

/** The price of one request of `inputTokens` total input: the long-context rate when it applies. */
export function entryPrice(entry: ModelEntry, inputTokens = 0): Price | null {
  if (entry.longContext && inputTokens > entry.longContext.aboveInputTokens) return entry.longContext.price;
  return entry.price;
}

/** Whether a sampling parameter may be sent, given whether reasoning is on for this request. */
export function samplingAllowed(rule: SamplingRule, reasoningOn: boolean): boolean {
  return rule === 'always' || (rule === 'reasoning-off' && !reasoningOn);
}

/** The effort to send: the configured one when the model accepts it, else the model's default. */
export function effortFor(entry: ModelEntry, configured: string | undefined): string | null {
  const reasoning = entry.reasoning;
  if (!reasoning) return null;
  if (configured === 'none' && reasoning.canDisable) return 'none';
  if (configured !== undefined && reasoning.efforts.includes(configured)) return configured;
  return reasoning.defaultEffort;
}

/** Whether a request with this effort reasons (OpenAI `none`, or no reasoning at all, does not). */
export function reasons(entry: ModelEntry, effort: string | null): boolean {
  return entry.reasoning !== null && effort !== null && effort !== 'none';
}

/**
 * The catalog as the providers' ModelFacts (model-facts.ts): context, output cap, thinking style
 * and default, the sampling rules, the cache minimum and Ollama's num_ctx. Unknown models: undefined.
 */
export function catalogFacts(name: string): ModelFacts | undefined {
  const entry = findModel(name);
  if (!entry) return undefined;
  const style = entry.reasoning?.style;
  return {
    contextWindow: entry.contextWindow,
    maxOutputTokens: entry.maxOutputTokens,
    thinking: style === 'adaptive' ? 'adaptive' : style === 'budget' ? 'budget' : 'none',
    thinksByDefault: entry.reasoning !== null && entry.reasoning.defaultEffort !== null,
    canDisableThinking: entry.reasoning?.canDisable ?? false,
    temperature: entry.temperature,
    topP: entry.topP,
    cacheMinTokens: entry.minCacheTokens,
    ...(entry.numCtx !== undefined ? { numCtx: entry.numCtx } : {}),
  };
}
