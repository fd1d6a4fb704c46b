import type { ProviderName } from './types.js';

/** Dollars per million tokens. */
export interface Price {
  input: number;
  /** A cache read (Anthropic "cache hit", OpenAI "cached input"). */
  cachedInput: number;
  /** A cache write at the default retention: Anthropic 5 minutes, OpenAI 30 minutes. */
  cacheWrite: number;
  /** A cache write at the long retention: Anthropic 1 hour, OpenAI 12 hours. */
  cacheWriteLong: number;
  output: number;
}

/** When a sampling parameter is accepted: always, never, or only while reasoning is switched off. */
export type SamplingRule = 'always' | 'never' | 'reasoning-off';

export interface Reasoning {
  /**
   * `effort`: OpenAI `reasoning.effort` / `reasoning_effort`; `adaptive`: Anthropic adaptive thinking
   * with `output_config.effort`; `budget`: Anthropic extended thinking with `budget_tokens`;
   * `ollama`: Ollama `think` (true/false or a level for gpt-oss).
   */
  style: 'effort' | 'adaptive' | 'budget' | 'ollama';
  /** Accepted effort values, lowest first (without the "off" value). */
  efforts: readonly string[];
  /** The effort the API applies when the request names none; null when reasoning is off by default. */
  defaultEffort: string | null;
  /** Whether reasoning can be switched off (OpenAI effort `none`, Anthropic thinking disabled). */
  canDisable: boolean;
}

/**
 * One model as the provider's documentation describes it. Exact ids only: a name that is neither
 * `id` nor one of `aliases` is unknown (no prefix guessing across generations). Ollama names also
 * match with any `:tag` (size or quantisation of the same model).
 */
export interface ModelEntry {
  id: string;
  /** Dated snapshots and aliases that the provider documents as the same model. */
  aliases?: readonly string[];
  /**
   * Who serves it. `google`: Gemini models, priced for Gemini CLI agents only (maestro's own agent
   * has no Gemini provider, so no name resolves to one).
   */
  provider: ProviderName | 'google';
  /** The API maestro uses for it: OpenAI Responses, Anthropic Messages, Ollama chat; Gemini CLI's. */
  api: 'responses' | 'messages' | 'ollama-chat' | 'gemini';
  /** `current`: the provider recommends it; `legacy`: still served; `test`: the fake server's own. */
  status: 'current' | 'legacy' | 'test';
  contextWindow: number;
  /** Most input tokens, where the provider caps input below the window (OpenAI). */
  maxInputTokens?: number;
  /** Most output tokens, thinking included. */
  maxOutputTokens: number;
  reasoning: Reasoning | null;
  temperature: SamplingRule;
  topP: SamplingRule;
  /** Shortest prefix the provider caches (tokens); OpenAI caches from 1,024 in 128-token steps. */
  minCacheTokens: number;
  /** Null for local models (free). */
  price: Price | null;
  /** A dearer rate for the whole request once its input passes `aboveInputTokens`. */
  longContext?: { aboveInputTokens: number; price: Price };
  /** Ollama: the `num_ctx` maestro asks for (its docs ask at least 64k for coding tools). */
  numCtx?: number;
  /** The page the figures were read from, and the day they were checked. */
  source: string;
  checked: string;
  note?: string;
}
