import { MaestroError, UsageError } from '../errors.js';
import type { MaestroConfig } from '../config/schema.js';
import { findModel, parseModelName } from './catalog.js';
import type { ThinkingSetting } from './provider-options.js';
import type { ProviderName } from './types.js';

export type Env = Record<string, string | undefined>;
export type ProviderChoice = ProviderName | 'auto';

export interface ResolvedModel {
  provider: ProviderName;
  /** The name sent to the API (provider prefix removed). */
  model: string;
  /** `provider:model`: resolves to the same provider and model again, wherever it is passed on. */
  name: string;
}

/** Everything needed to build one provider's client. */
export interface ProviderSetup {
  name: ProviderName;
  apiKey: string | undefined;
  /** The variable the key was read from (for messages; never its value). */
  apiKeyEnv: string | undefined;
  baseURL: string | undefined;
  /** OpenAI: which API to speak (Responses for OpenAI's endpoint, Chat Completions for a custom one). */
  api: 'responses' | 'chat';
  /** Configured reasoning effort, when the config names one. */
  reasoningEffort: string | undefined;
  maxConcurrent: number;
  tokensPerMinute: number | undefined;
  thinking: ThinkingSetting | undefined;
  numCtx: number | undefined;
}

const KEY_ENV: Record<ProviderName, string | undefined> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  ollama: undefined,
};
/** The SDKs' usual variables for the API location. */
const BASE_URL_ENV: Record<ProviderName, string> = {
  openai: 'OPENAI_BASE_URL',
  anthropic: 'ANTHROPIC_BASE_URL',
  ollama: 'OLLAMA_HOST',
};
/** Local Ollama slows sharply under concurrent requests; hosted APIs take more. */
const DEFAULT_CONCURRENCY: Record<ProviderName, number> = { openai: 8, anthropic: 8, ollama: 1 };
const LABEL: Record<ProviderName, string> = { openai: 'OpenAI', anthropic: 'Anthropic', ollama: 'Ollama' };

/** The provider a model name implies (prefix, catalog, then name pattern), or undefined. */
export function inferProvider(name: string): ProviderName | undefined {
  const { provider, model } = parseModelName(name);
  if (provider) return provider;
  const known = findModel(model);
  // A Gemini model is known for pricing Gemini CLI agents; maestro has no provider for it.
  if (known && known.provider !== 'google') return known.provider;
  if (/^claude-/.test(model)) return 'anthropic';
  if (/^(gpt-|chatgpt-|o\d|codex-|ft:gpt-)/.test(model)) return 'openai';
  return undefined;
}

/**
 * Model name to provider: a prefix in the name (`openai:`, `anthropic:`, `ollama:`) first, then
 * `--provider`, then config `provider`, then the catalog and the name (`gpt-*`/`o<digit>*` →
 * openai, `claude-*` → anthropic). `resolved.name` carries the provider, so resolving it again
 * gives the same answer.
 */
export function resolveModel(
  name: string,
  config: Pick<MaestroConfig, 'provider'>,
  override: ProviderChoice = 'auto',
): ResolvedModel {
  const parsed = parseModelName(name);
  const chosen =
    parsed.provider ??
    (override !== 'auto' ? override : config.provider !== 'auto' ? config.provider : inferProvider(name));
  if (!chosen) {
    throw new UsageError(
      `cannot tell which provider serves model "${name}"; write openai:${name}, anthropic:${name} or ollama:${name}, pass --provider, or set "provider" in the config`,
    );
  }
  if (!parsed.model) throw new UsageError(`model "${name}" has no name after the provider prefix`);
  return { provider: chosen, model: parsed.model, name: `${chosen}:${parsed.model}` };
}

/** Key, location and limits of a provider; a missing key names the variable to set. */
export function providerSetup(
  name: ProviderName,
  config: Pick<MaestroConfig, 'providers'>,
  env: Env,
): ProviderSetup {
  const settings = config.providers[name] ?? {};
  const apiKeyEnv = settings.apiKeyEnv ?? KEY_ENV[name];
  const apiKey = apiKeyEnv ? env[apiKeyEnv]?.trim() || undefined : undefined;
  if (apiKeyEnv && !apiKey && name !== 'ollama') {
    throw new MaestroError(
      `${LABEL[name]} models need an API key: set the ${apiKeyEnv} environment variable${
        settings.apiKeyEnv ? '' : ` (or name another variable in providers.${name}.apiKeyEnv)`
      }`,
      { exitCode: 2 },
    );
  }
  const baseURL = settings.baseURL ?? (env[BASE_URL_ENV[name]]?.trim() || undefined);
  return {
    name,
    apiKey,
    apiKeyEnv,
    baseURL,
    // Compatible servers (vLLM, LM Studio, llama.cpp, OpenRouter, LiteLLM) mostly speak only Chat Completions.
    api: settings.api ?? (baseURL === undefined ? 'responses' : 'chat'),
    reasoningEffort: settings.reasoningEffort,
    maxConcurrent: settings.maxConcurrent ?? DEFAULT_CONCURRENCY[name],
    tokensPerMinute: settings.tokensPerMinute,
    thinking: settings.thinking,
    numCtx: settings.numCtx,
  };
}

/** The variables that hold keys under this config (for redaction). */
export function keyVariables(config: Pick<MaestroConfig, 'providers'>): string[] {
  const names = (['openai', 'anthropic', 'ollama'] as const).map(
    (p) => config.providers[p]?.apiKeyEnv ?? KEY_ENV[p],
  );
  return names.filter((n): n is string => n !== undefined);
}
