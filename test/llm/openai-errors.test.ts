import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import type { FakeServer } from '../../src/llm/fake/index.js';
import { LlmError } from '../../src/llm/errors.js';
import { createLlm } from '../../src/llm/llm.js';
import type { TurnRequest } from '../../src/llm/types.js';
import { collectLlm, FAKE_KEYS, fakeServer } from './helpers.js';

function llm(server: FakeServer, api: 'responses' | 'chat') {
  const config = configSchema.parse({ providers: { openai: { baseURL: server.openaiBaseURL, api } } });
  return createLlm({
    config,
    env: { ...FAKE_KEYS },
    retry: { baseDelayMs: 40, maxDelayMs: 80, stallTimeoutMs: 5_000 },
  });
}

const request = (model: string): TurnRequest => ({
  model,
  system: [{ text: 'You are a coding agent.' }],
  messages: [{ role: 'user', content: 'hello' }],
});

const failure = (events: Promise<unknown>) =>
  events.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('OpenAI errors through the LLM service', () => {
  it('insufficient_quota (429) is not retried and says billing', async () => {
    const server = await fakeServer({
      rules: [
        {
          fault: {
            type: 'status',
            status: 429,
            code: 'insufficient_quota',
            message: 'You exceeded your current quota.',
          },
        },
      ],
    });
    const error = await failure(
      collectLlm(llm(server, 'responses').stream(request('gpt-6.2-sol'), { taskId: 't' })),
    );
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: 'quota', retryable: false });
    expect((error as Error).message).toMatch(/billing/);
    expect(server.requests).toHaveLength(1);
  });

  it('a prompt over the context window ends the turn at once with that reason', async () => {
    const server = await fakeServer({ rules: [], fallback: { text: 'never' } });
    const big = {
      ...request('maestro-test-small-gpt'),
      messages: [{ role: 'user' as const, content: 'word '.repeat(12_000) }],
    };
    const error = await failure(collectLlm(llm(server, 'responses').stream(big, { taskId: 't' })));
    expect(error).toMatchObject({ kind: 'context', retryable: false });
    expect((error as Error).message).toMatch(/context window/);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    { status: 529, code: 'overloaded' },
    { status: 503, code: 'server_error' },
  ])('$status is retried after a back-off', async ({ status }) => {
    const server = await fakeServer({
      rules: [{ times: 1, fault: { type: 'status', status } }],
      fallback: { text: 'recovered' },
    });
    const events = await collectLlm(llm(server, 'responses').stream(request('gpt-6.2-sol'), { taskId: 't' }));
    expect(events.filter((e) => e.type === 'retry')).toMatchObject([{ kind: 'server' }]);
    expect(events.at(-1)).toMatchObject({ type: 'done', attempts: 2 });
    expect(server.requests[1]!.time - server.requests[0]!.time).toBeGreaterThanOrEqual(35);
  });

  it.each(['responses', 'chat'] as const)(
    'a mid-stream error event (%s) is retried after a back-off, not at once',
    async (api) => {
      const server = await fakeServer({
        rules: [
          {
            times: 1,
            fault: {
              type: 'error_event',
              afterChunks: 3,
              errorType: 'server_error',
              message: 'The server had an error.',
            },
            reply: { text: 'one two three four five six seven' },
          },
        ],
        fallback: { text: 'recovered' },
      });
      const model = api === 'chat' ? 'gpt-6-luna' : 'gpt-6.2-sol';
      const events = await collectLlm(llm(server, api).stream(request(model), { taskId: 't' }));
      const retries = events.filter((e) => e.type === 'retry');
      expect(retries).toHaveLength(1);
      expect(retries[0]).toMatchObject({ kind: 'stream' });
      expect((retries[0] as { delayMs: number }).delayMs).toBeGreaterThan(0);
      expect(server.requests[1]!.time - server.requests[0]!.time).toBeGreaterThanOrEqual(35);
      expect(events.at(-1)).toMatchObject({ type: 'done', attempts: 2 });
    },
  );
});
