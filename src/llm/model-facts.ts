/**
 * What the providers and the built-in agent need to know about one model, read from the model
 * catalog (llm.ts builds the lookup). Every field is optional: a model the catalog does not know
 * gets the safe choice of each provider (no sampling parameters, the provider's default cap).
 */
export interface ModelFacts {
  /** Input + output tokens the model can hold at once. */
  contextWindow?: number;
  /** The largest `max_tokens` the API accepts for it (thinking included, on Anthropic). */
  maxOutputTokens?: number;
  /**
   * How it thinks: `adaptive` (decides itself; `{type:"adaptive"}`), `budget` (thinks with
   * `{type:"enabled", budget_tokens}`), `none` (does not think).
   */
  thinking?: 'adaptive' | 'budget' | 'none';
  /** Thinking is on when the request does not mention it. */
  thinksByDefault?: boolean;
  /** `{type:"disabled"}` is accepted. */
  canDisableThinking?: boolean;
  /** When `temperature` / `top_p` may be sent; unknown means never. */
  temperature?: SamplingRule;
  topP?: SamplingRule;
  /** Shortest prefix (tokens) its prompt cache stores. */
  cacheMinTokens?: number;
  /** Ollama: the `num_ctx` an agent needs with this model. */
  numCtx?: number;
}

/** When a sampling parameter is accepted: always, never, or only while thinking is off. */
export type SamplingRule = 'always' | 'never' | 'reasoning-off';

export function samplingAccepted(rule: SamplingRule | undefined, thinking: boolean): boolean {
  return rule === 'always' || (rule === 'reasoning-off' && !thinking);
}

export type ModelFactsLookup = (model: string) => ModelFacts | undefined;

/** Rough token count of any request part (characters / 4), the same estimate everywhere. */
export const estimateTokens = (value: unknown): number =>
  Math.ceil((typeof value === 'string' ? value : JSON.stringify(value ?? '')).length / 4);
