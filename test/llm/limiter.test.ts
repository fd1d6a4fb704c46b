import { describe, expect, it } from 'vitest';
import { collectLlm, fakeServer, llmFor, serviceRequest } from './helpers.js';
import { Limiter, parseDuration } from '../../src/llm/limiter.js';

const callers = (n: number) => Array.from({ length: n }, (_, i) => `agent-${i}`);

describe('one limiter per provider, shared by all agents', () => {
  it('holds 20 concurrent callers to the configured concurrency', async () => {
    const server = await fakeServer({ rules: [{ reply: { text: 'ok done here', tokenLatencyMs: 15 } }] });
    const llm = llmFor(server, { limits: { maxConcurrent: 3 } });
    const results = await Promise.all(
      callers(20).map((id) => collectLlm(llm.stream(serviceRequest('openai', `task ${id}`), { taskId: id }))),
    );
    expect(results.every((events) => events.at(-1)?.type === 'done')).toBe(true);
    expect(server.requests).toHaveLength(20);
    expect(server.stats.maxInFlight).toBe(3);
  });

  it('admits no more tokens per window than configured', async () => {
    const server = await fakeServer({
      rules: [{ reply: { text: 'ok', usage: { inputTokens: 90, outputTokens: 10 } } }],
    });
    const windowMs = 300;
    const llm = llmFor(server, {
      rateWindowMs: windowMs,
      limits: { maxConcurrent: 20, tokensPerMinute: 350 },
    });
    const started = Date.now();
    await Promise.all(
      callers(9).map((id) =>
        // ~100 tokens estimated (prompt chars / 4 + maxOutputTokens) and 100 reported by the fake.
        collectLlm(
          llm.stream(serviceRequest('anthropic', 'x'.repeat(340), { maxOutputTokens: 10, system: [] }), {
            taskId: id,
          }),
        ),
      ),
    );
    const times = server.requests.map((r) => r.time).sort((a, b) => a - b);
    // Each turn costs about 105 tokens, so at most 3 are admitted per window: the 4th request
    // cannot arrive before one window has passed, the 7th before two. Arrival lags admission by
    // an unknown delay, so only these lower bounds are certain.
    expect(times).toHaveLength(9);
    expect(times[3]! - started).toBeGreaterThanOrEqual(windowMs - 5);
    expect(times[6]! - started).toBeGreaterThanOrEqual(2 * windowMs - 5);
  });

  it('backs off for everyone on a 429 with retry-after', async () => {
    const server = await fakeServer({
      rules: [
        { name: '429', times: 1, fault: { type: 'status', status: 429, retryAfterMs: 300 } },
        { name: 'ok', reply: { text: 'fine', tokenLatencyMs: 5 } },
      ],
    });
    const llm = llmFor(server, { limits: { maxConcurrent: 4 } });
    // No cached system prompt: no warm-up gate, so only the limiter holds callers back.
    const results = await Promise.all(
      callers(20).map((id) =>
        collectLlm(llm.stream(serviceRequest('openai', id, { system: [] }), { taskId: id })),
      ),
    );
    expect(results.flat().filter((e) => e.type === 'retry')).toHaveLength(1);
    const limited = server.requests.find((r) => r.ruleName === '429')!;
    // Only the (at most 3) requests admitted before the 429 reached the client may land in the
    // pause; without a shared back-off dozens would.
    const inPause = server.requests.filter((r) => r.time > limited.time && r.time < limited.time + 295);
    expect(inPause.length).toBeLessThanOrEqual(3);
    expect(server.requests).toHaveLength(21);
  });

  it('pauses when rate-limit headers say nothing is left until the reset', async () => {
    const server = await fakeServer({
      rules: [
        {
          times: 1,
          reply: {
            text: 'ok',
            headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '250ms' },
          },
        },
        { reply: { text: 'ok' } },
      ],
    });
    const llm = llmFor(server);
    await collectLlm(llm.stream(serviceRequest('openai', 'a'), { taskId: 'a' }));
    await collectLlm(llm.stream(serviceRequest('openai', 'b'), { taskId: 'b' }));
    expect(server.requests[1]!.time - server.requests[0]!.time).toBeGreaterThanOrEqual(240);
  });

  it('grows the window back by additive increase and rejects queued callers that abort', async () => {
    const limiter = new Limiter({ provider: 'openai', maxConcurrent: 8 });
    limiter.rateLimited(0);
    expect(limiter.snapshot().window).toBe(4);
    for (let i = 0; i < 30; i++) limiter.succeeded();
    expect(limiter.snapshot().window).toBe(8);
    const one = new Limiter({ provider: 'anthropic', maxConcurrent: 1 });
    const held = await one.acquire(10);
    const controller = new AbortController();
    const queued = one.acquire(10, controller.signal);
    controller.abort();
    await expect(queued).rejects.toMatchObject({ kind: 'aborted' });
    held.release();
    expect(one.snapshot()).toMatchObject({ active: 0, queued: 0 });
  });

  it('parses reset durations', () => {
    expect(parseDuration('6m0s')).toBe(360_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('20ms')).toBe(20);
    expect(parseDuration('soon')).toBeUndefined();
  });
});
