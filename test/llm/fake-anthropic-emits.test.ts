import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import {
  collect,
  collectLlm,
  FAKE_KEYS,
  fakeServer,
  llmFor,
  providerFor,
  request,
  serviceRequest,
} from './helpers.js';
import type { SystemSegment } from '../../src/llm/types.js';

const sdk = (url: string) =>
  new Anthropic({ apiKey: FAKE_KEYS.ANTHROPIC_API_KEY, baseURL: url, maxRetries: 0 });

describe('fake server: what the Messages API emits', () => {
  it('a mid-stream overloaded_error event is retried after a back-off, not at once', async () => {
    const server = await fakeServer({
      rules: [
        {
          name: 'overloaded',
          times: 1,
          fault: { type: 'error_event', afterChunks: 3 },
          reply: { text: 'Hello there.' },
        },
        { name: 'good', reply: { text: 'Hello there.' } },
      ],
    });
    const llm = llmFor(server, { retry: { baseDelayMs: 150, maxDelayMs: 150 } });
    const events = await collectLlm(llm.stream(serviceRequest('anthropic', 'hi'), { taskId: 't1' }));
    const retry = events.find((e) => e.type === 'retry');
    expect(retry).toMatchObject({
      kind: 'stream',
      delayMs: 150,
      reason: expect.stringMatching(/Overloaded/),
    });
    expect(server.requests.map((r) => r.ruleName)).toEqual(['overloaded', 'good']);
    expect(server.requests[1]!.time - server.requests[0]!.time).toBeGreaterThanOrEqual(140);
  });

  it('a unique message id per response, and HEAD / answered', async () => {
    const server = await fakeServer({ rules: [{ reply: { text: 'ok' } }] });
    const client = sdk(server.anthropicBaseURL);
    const ids = await Promise.all(
      [1, 2, 3].map(async () => {
        const m = await client.messages.create({
          model: 'claude-sonnet-4-6',
          max_tokens: 100,
          messages: [{ role: 'user', content: 'x' }],
        });
        return m.id;
      }),
    );
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => id.startsWith('msg_'))).toBe(true);
    expect((await fetch(server.url, { method: 'HEAD' })).status).toBe(200);
  });

  it('role "system" messages in the list (Claude Code, ?beta=true) are not the user turn', async () => {
    const server = await fakeServer({
      rules: [{ match: { lastUser: 'the real question' }, reply: { text: 'answered' } }],
    });
    const response = await fetch(`${server.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': FAKE_KEYS.ANTHROPIC_API_KEY },
      body: JSON.stringify({
        model: 'claude-sonnet-4-6',
        max_tokens: 100,
        messages: [
          { role: 'user', content: 'the real question' },
          { role: 'system', content: 'a reminder from the client' },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { content: { type: string; text?: string }[] };
    expect(body.content.find((b) => b.type === 'text')?.text).toBe('answered');
  });

  it('the cache hits on any marked prefix, honours the model minimum and reports the writes', async () => {
    const server = await fakeServer({ rules: [{ reply: { text: 'ok' } }] });
    const provider = providerFor('anthropic', server);
    const big: SystemSegment[] = [{ text: 'Project rules. '.repeat(400), cache: true }];
    const small: SystemSegment[] = [{ text: 'Short rules.', cache: true }];
    const usageOf = async (system: SystemSegment[], messages = request('anthropic', 'q').messages) => {
      const events = await collect(provider.stream(request('anthropic', 'q', { system, messages })));
      const done = events.at(-1);
      if (done?.type !== 'done') throw new Error('no done');
      return done.usage;
    };
    // Under claude-sonnet-4-6's 1,024 tokens: never cached, no write.
    expect(await usageOf(small)).toMatchObject({ cachedInputTokens: 0, cacheWriteTokens: 0 });
    expect(await usageOf(small)).toMatchObject({ cachedInputTokens: 0, cacheWriteTokens: 0 });
    const first = await usageOf(big);
    expect(first.cacheWriteTokens).toBeGreaterThan(1024);
    expect(first.cachedInputTokens).toBe(0);
    // A longer conversation moves the last mark; the system mark still hits.
    const conversation = [
      { role: 'user' as const, content: 'q' },
      { role: 'assistant' as const, content: 'an answer' },
      { role: 'user' as const, content: 'and more '.repeat(600) },
    ];
    const second = await usageOf(big, conversation);
    expect(second.cachedInputTokens).toBe(first.cacheWriteTokens);
    expect(second.cacheWriteTokens).toBeGreaterThan(0);
    const third = await usageOf(big, conversation);
    expect(third.cachedInputTokens).toBe(first.cacheWriteTokens + second.cacheWriteTokens);
    expect(third.cacheWriteTokens).toBe(0);
  });
});
