import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createLlm } from '../../src/llm/llm.js';
import { LlmError } from '../../src/llm/errors.js';
import { providerSetup, resolveModel } from '../../src/llm/resolve.js';
import { MaestroError, UsageError } from '../../src/errors.js';
import { collectLlm, FAKE_KEYS, fakeServer, llmFor, PROVIDERS, serviceRequest } from './helpers.js';

const auto = { provider: 'auto' as const };

describe('model names map to providers', () => {
  it.each([
    ['gpt-4o', 'openai', 'gpt-4o'],
    ['gpt-4.1-mini', 'openai', 'gpt-4.1-mini'],
    ['o3', 'openai', 'o3'],
    ['o4-mini', 'openai', 'o4-mini'],
    ['claude-sonnet-4-6', 'anthropic', 'claude-sonnet-4-6'],
    ['claude-opus-4-1-20250805', 'anthropic', 'claude-opus-4-1-20250805'],
    ['ollama:qwen2.5-coder:7b', 'ollama', 'qwen2.5-coder:7b'],
  ])('%s → %s', (model, provider, sent) => {
    expect(resolveModel(model, auto)).toEqual({ provider, model: sent, name: `${provider}:${sent}` });
  });

  it('lets --provider and config override the name, and asks when the name says nothing', () => {
    expect(resolveModel('llama3', auto, 'ollama')).toMatchObject({ provider: 'ollama', model: 'llama3' });
    expect(resolveModel('my-proxy-model', { provider: 'openai' })).toMatchObject({
      provider: 'openai',
      model: 'my-proxy-model',
    });
    expect(resolveModel('gpt-4o', { provider: 'openai' }, 'anthropic').provider).toBe('anthropic');
    expect(() => resolveModel('mistral-large', auto)).toThrow(UsageError);
    expect(() => resolveModel('mistral-large', auto)).toThrow(/--provider/);
    // The resolved name carries the provider, so passing it on resolves the same way again.
    const local = resolveModel('llama3', auto, 'ollama');
    expect(resolveModel(local.name, auto)).toEqual(local);
  });
});

describe('keys are checked before any agent starts', () => {
  const config = configSchema.parse({});

  it.each([
    ['gpt-4o', 'OPENAI_API_KEY'],
    ['claude-haiku-4-5', 'ANTHROPIC_API_KEY'],
  ])('%s without a key names %s', (model, variable) => {
    const llm = createLlm({ config, env: {} });
    expect(() => llm.prepare(model)).toThrow(MaestroError);
    expect(() => llm.prepare(model)).toThrow(new RegExp(`set the ${variable} environment variable`));
  });

  it('names the configured variable, reads the key from it, and needs none for ollama', () => {
    const custom = configSchema.parse({ providers: { anthropic: { apiKeyEnv: 'MY_CLAUDE_KEY' } } });
    expect(() => providerSetup('anthropic', custom, { ANTHROPIC_API_KEY: 'x' })).toThrow(/MY_CLAUDE_KEY/);
    expect(providerSetup('anthropic', custom, { MY_CLAUDE_KEY: 'k-123' }).apiKey).toBe('k-123');
    expect(providerSetup('ollama', config, {}).apiKey).toBeUndefined();
    expect(providerSetup('ollama', config, { OLLAMA_HOST: 'http://gpu:11434' }).baseURL).toBe(
      'http://gpu:11434',
    );
    expect(providerSetup('ollama', config, {}).maxConcurrent).toBe(1);
  });

  it('a stream without a key fails before any request is sent', async () => {
    const server = await fakeServer({ rules: [{ reply: { text: 'x' } }] });
    const config2 = configSchema.parse({ providers: { openai: { baseURL: server.openaiBaseURL } } });
    const llm = createLlm({ config: config2, env: {} });
    await expect(collectLlm(llm.stream(serviceRequest('openai', 'hi'), { taskId: 't' }))).rejects.toThrow(
      /OPENAI_API_KEY/,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('keys never leak into errors', () => {
  it.each(PROVIDERS)('%s: an error body echoing the key is redacted', async (provider) => {
    const echoed = `Incorrect API key provided: ${FAKE_KEYS.OPENAI_API_KEY} / ${FAKE_KEYS.ANTHROPIC_API_KEY}`;
    const server = await fakeServer({ rules: [{ fault: { type: 'status', status: 401, message: echoed } }] });
    const error = await collectLlm(
      llmFor(server).stream(serviceRequest(provider, 'hi'), { taskId: 't' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: 'auth' });
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toContain(FAKE_KEYS.OPENAI_API_KEY);
    expect(text).not.toContain(FAKE_KEYS.ANTHROPIC_API_KEY);
    expect(text).toContain('[REDACTED]');
  });

  it('sends the key only as the provider auth header', async () => {
    const server = await fakeServer({ rules: [{ reply: { text: 'ok' } }] });
    const llm = llmFor(server);
    for (const provider of PROVIDERS)
      await collectLlm(llm.stream(serviceRequest(provider, 'hi'), { taskId: 't' }));
    const [openai, anthropic, ollama] = server.requests;
    expect(openai!.headers.authorization).toBe(`Bearer ${FAKE_KEYS.OPENAI_API_KEY}`);
    // Depending on the SDK version the key travels as x-api-key or as a bearer token.
    expect(`${anthropic!.headers['x-api-key']} ${anthropic!.headers.authorization}`).toContain(
      FAKE_KEYS.ANTHROPIC_API_KEY,
    );
    expect(JSON.stringify(ollama!.headers)).not.toMatch(/sk-/);
    for (const r of server.requests) expect(r.rawBody).not.toMatch(/sk-/);
  });
});
