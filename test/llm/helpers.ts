import type { FakeServer } from '../../src/llm/fake/index.js';
import { createAnthropicProvider } from '../../src/llm/anthropic.js';
import { createOllamaProvider } from '../../src/llm/ollama.js';
import { createOpenAiProvider } from '../../src/llm/openai.js';
import type { Provider, ProviderName, TurnEvent, TurnRequest } from '../../src/llm/types.js';
import { createRedactor } from '../../src/util/redact.js';
import { fakeModelFacts } from '../../src/llm/fake/models.js';
import { createLlm, type Llm, type LlmEvent, type RetryPolicy } from '../../src/llm/llm.js';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';

export const FAKE_KEYS = {
  OPENAI_API_KEY: 'sk-test-openai-0123456789abcdefghij',
  ANTHROPIC_API_KEY: 'sk-ant-test-0123456789abcdefghijkl',
};

export { fakeServer } from '../helpers/fake-server.js';

export const PROVIDERS: ProviderName[] = ['openai', 'anthropic', 'ollama'];

export const MODELS: Record<ProviderName, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-sonnet-4-6',
  ollama: 'llama3.2',
};

/** A real SDK-backed provider pointed at the fake server. */
export function providerFor(
  name: ProviderName,
  server: FakeServer,
  onHeaders?: (h: Headers) => void,
): Provider {
  const redact = createRedactor(FAKE_KEYS);
  const common = { redact, modelFacts: fakeModelFacts, ...(onHeaders ? { onHeaders } : {}) };
  if (name === 'openai') {
    return createOpenAiProvider({
      ...common,
      apiKey: FAKE_KEYS.OPENAI_API_KEY,
      baseURL: server.openaiBaseURL,
    });
  }
  if (name === 'anthropic') {
    return createAnthropicProvider({
      ...common,
      apiKey: FAKE_KEYS.ANTHROPIC_API_KEY,
      baseURL: server.anthropicBaseURL,
    });
  }
  return createOllamaProvider({ ...common, baseURL: server.ollamaHost });
}

export function request(name: ProviderName, text: string, extra: Partial<TurnRequest> = {}): TurnRequest {
  return {
    model: MODELS[name],
    system: [{ text: 'You are a careful coding agent.', cache: true }],
    messages: [{ role: 'user', content: text }],
    ...extra,
  };
}

export async function collect(events: AsyncIterable<TurnEvent>): Promise<TurnEvent[]> {
  const out: TurnEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

export const textOf = (events: { type: string; delta?: string }[]) =>
  events.map((e) => (e.type === 'text' ? e.delta : '')).join('');

/** The LLM service with every provider pointed at the fake server and fast retries. */
export function llmFor(
  server: FakeServer,
  options: {
    config?: Partial<ConfigInput>;
    retry?: Partial<RetryPolicy>;
    rateWindowMs?: number;
    limits?: { maxConcurrent?: number; tokensPerMinute?: number };
  } = {},
): Llm {
  const limits = options.limits ?? {};
  const config = configSchema.parse({
    ...options.config,
    providers: {
      openai: { baseURL: server.openaiBaseURL, ...limits },
      anthropic: { baseURL: server.anthropicBaseURL, ...limits },
      ollama: { baseURL: server.ollamaHost, ...limits },
    },
  });
  return createLlm({
    config,
    env: { ...FAKE_KEYS },
    retry: { baseDelayMs: 5, maxDelayMs: 20, stallTimeoutMs: 2_000, ...options.retry },
    ...(options.rateWindowMs ? { rateWindowMs: options.rateWindowMs } : {}),
  });
}

export async function collectLlm(events: AsyncIterable<LlmEvent>): Promise<LlmEvent[]> {
  const out: LlmEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** A request as the orchestrator sends it to the service: Ollama models carry their `ollama:` prefix. */
export function serviceRequest(
  name: ProviderName,
  text: string,
  extra: Partial<TurnRequest> = {},
): TurnRequest {
  return request(name, text, {
    model: name === 'ollama' ? `ollama:${MODELS.ollama}` : MODELS[name],
    ...extra,
  });
}
