import type { Redactor } from '../util/redact.js';

/** What every provider factory takes; the key comes from the caller's env, never from process.env here. */
export interface ProviderOptions {
  apiKey?: string;
  /** API base URL (OpenAI-compatible server, Anthropic proxy, Ollama host). */
  baseURL?: string;
  /** Rate-limit and retry headers of every response, for the shared limiter. */
  onHeaders?: (headers: Headers) => void;
  /** Scrubs secrets out of error text. */
  redact: Redactor;
  /** Used when a request sets no maxOutputTokens (Anthropic requires one). */
  defaultMaxOutputTokens?: number;
}
