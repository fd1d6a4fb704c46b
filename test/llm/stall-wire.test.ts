import { describe, expect, it } from 'vitest';
import { collectLlm, fakeServer, llmFor, serviceRequest as request } from './helpers.js';
import type { ProviderName } from '../../src/llm/types.js';
import { LlmError } from '../../src/llm/errors.js';

const MB = 1024 * 1024;

/**
 * Stalls are measured on the wire: a tool call whose 1 MB argument streams at one chunk per 40 ms
 * (about 1 s in all) finishes under a 500 ms stall limit, because every chunk resets the clock.
 */
describe.each(['anthropic', 'ollama'] as ProviderName[])(
  '%s: the stall clock runs on the wire',
  (provider) => {
    it('a 1 MB tool argument trickling at one chunk per 40 ms completes under a 500 ms limit', async () => {
      const content = 'y'.repeat(MB);
      const server = await fakeServer({
        rules: [
          {
            reply: {
              toolCalls: [{ name: 'write_file', arguments: { path: 'big.txt', content } }],
              argumentChunkChars: 40_000,
              trickle: { bytes: 40_000, everyMs: 40 },
            },
          },
        ],
      });
      const llm = llmFor(server, { retry: { stallTimeoutMs: 500 } });
      const started = Date.now();
      const events = await collectLlm(llm.stream(request(provider, 'write it'), { taskId: 't1' }));
      expect(Date.now() - started).toBeGreaterThan(500);
      expect(events.filter((e) => e.type === 'retry')).toEqual([]);
      const call = events.find((e) => e.type === 'tool_call');
      expect(call).toMatchObject({ call: { name: 'write_file', arguments: { path: 'big.txt' } } });
      expect(call?.type === 'tool_call' && (call.call.arguments as { content: string }).content.length).toBe(
        MB,
      );
      expect(server.requests).toHaveLength(1);
    });

    it('a stream silent for the limit is restarted once, after a back-off, then given up', async () => {
      const server = await fakeServer({
        rules: [{ fault: { type: 'stall', afterChunks: 1 }, reply: { text: 'never finished' } }],
      });
      const llm = llmFor(server, { retry: { stallTimeoutMs: 300, baseDelayMs: 200, maxDelayMs: 200 } });
      const events: unknown[] = [];
      const error = await (async () => {
        for await (const e of llm.stream(request(provider, 'go'), { taskId: 't1' })) events.push(e);
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LlmError);
      expect(error).toMatchObject({ kind: 'stalled' });
      const retries = events.filter((e) => (e as { type: string }).type === 'retry');
      expect(retries).toEqual([expect.objectContaining({ kind: 'stalled', delayMs: 200 })]);
      expect(server.requests).toHaveLength(2);
      // The restart waited the back-off: a stall limit plus 200 ms after the first (not at once).
      expect(server.requests[1]!.time - server.requests[0]!.time).toBeGreaterThanOrEqual(450);
    });
  },
);

describe('anthropic: pings are bytes on the wire', () => {
  it('a long think with pings only is not a stall', async () => {
    const server = await fakeServer({
      rules: [{ reply: { text: 'Thought it through.', pings: { count: 8, everyMs: 100 } } }],
    });
    const llm = llmFor(server, { retry: { stallTimeoutMs: 400 } });
    const events = await collectLlm(llm.stream(request('anthropic', 'think'), { taskId: 't1' }));
    expect(events.filter((e) => e.type === 'retry')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'done', attempts: 1 });
  });
});
