// The LLM layer's public surface for the orchestrator, the agent host and the demo.
export * from './types.js';
export {
  createLlm,
  DEFAULT_RETRY,
  type Llm,
  type LlmEvent,
  type LlmOptions,
  type RetryPolicy,
  type TurnOutcome,
} from './llm.js';
export { LlmError, type LlmErrorKind } from './errors.js';
export { Limiter, type LimiterOptions, type LimiterSnapshot, type Permit } from './limiter.js';
export { Budget, type BudgetBreach, type BudgetLimits } from './budget.js';
export { configuredPrice, costOf, priceOf, type Cost, type Price, type PriceLookup } from './pricing.js';
export {
  catalogEntries,
  effortFor,
  entryPrice,
  findModel,
  parseModelName,
  reasons,
  samplingAllowed,
  type ModelEntry,
  type ModelName,
  type Reasoning,
  type SamplingRule,
} from './catalog.js';
export {
  inferProvider,
  keyVariables,
  providerSetup,
  resolveModel,
  type Env,
  type ProviderChoice,
  type ProviderSetup,
  type ResolvedModel,
} from './resolve.js';
export { createOpenAiProvider } from './openai.js';
export { createAnthropicProvider } from './anthropic.js';
export { createOllamaProvider } from './ollama.js';
export type { ProviderOptions } from './provider-options.js';
