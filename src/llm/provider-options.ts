import type { Redactor } from '../util/redact.js';
import type { ModelFactsLookup } from './model-facts.js';

/**
 * Anthropic thinking: `auto` follows the catalog (adaptive models think adaptively, budget models
 * get a budget), `adaptive` asks for it, `off` sends no thinking setting, `{ budgetTokens }` sets
 * manual extended thinking. https://platform.claude.com/docs/en/build-with-claude/extended-thinking
 */
export type ThinkingSetting = 'auto' | 'adaptive' | 'off' | { budgetTokens: number };

/** What every provider factory takes; the key comes from the caller's env, never from process.env here. */
export interface ProviderOptions {
  apiKey?: string;
  /** API base URL (OpenAI-compatible server, Anthropic proxy, Ollama host). */
  baseURL?: string;
  /** Rate-limit and retry headers of every response, for the shared limiter. */
  onHeaders?: (headers: Headers) => void;
  /** Scrubs secrets out of error text. */
  redact: Redactor;
  /** Used when a request sets no maxOutputTokens and the catalog does not know the model. */
  defaultMaxOutputTokens?: number;
  /** Context, output cap, thinking and sampling facts of a model (from the catalog). */
  modelFacts?: ModelFactsLookup;
  /** Anthropic: `providers.anthropic.thinking`. */
  thinking?: ThinkingSetting;
  /** Ollama: the context length to ask for (`options.num_ctx`). */
  numCtx?: number;
  /** OpenAI: `responses` or `chat` (`providers.openai.api`; default responses without a baseURL). */
  openaiApi?: 'responses' | 'chat';
  /** `providers.<p>.reasoningEffort`; the catalog default when absent or refused by the model. */
  reasoningEffort?: string;
}
