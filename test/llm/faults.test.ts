import { describe, expect, it } from 'vitest';
import { collectLlm, fakeServer, llmFor, MODELS, PROVIDERS, serviceRequest as request } from './helpers.js';
import type { FakeFault } from '../../src/llm/fake/index.js';
import type { LlmEvent } from '../../src/llm/llm.js';
import { LlmError } from '../../src/llm/errors.js';

const answer = {
  text: 'I will edit the file now and then run the tests.',
  toolCalls: [{ name: 'edit_file', arguments: { path: 'a.ts', content: 'x' } }],
};

/** Text after the last retry that asked to discard, as a consumer following the contract keeps it. */
function keptText(events: LlmEvent[]): string {
  let text = '';
  for (const e of events) {
    if (e.type === 'text') text += e.delta;
    if (e.type === 'retry' && e.discardText) text = '';
  }
  return text;
}

const cases: { fault: FakeFault; kind: string }[] = [
  { fault: { type: 'status', status: 429, retryAfterMs: 150 }, kind: 'rate_limit' },
  { fault: { type: 'status', status: 500 }, kind: 'server' },
  { fault: { type: 'status', status: 529 }, kind: 'server' },
  { fault: { type: 'reset' }, kind: 'connection' },
  { fault: { type: 'cut', afterChunks: 4 }, kind: 'stream' },
  // Late enough that text (after Anthropic's thinking block) reached the client before the stall.
  { fault: { type: 'stall', afterChunks: 12 }, kind: 'stalled' },
  { fault: { type: 'garbled', afterChunks: 4 }, kind: 'stream' },
];

describe.each(PROVIDERS)('%s: injected faults through the LLM service', (provider) => {
  it.each(cases)(
    'recovers from a $fault.type fault ($kind): one retry, text once, tool call once',
    async ({ fault, kind }) => {
      const server = await fakeServer({
        rules: [
          { name: 'fault', times: 1, fault, reply: answer },
          { name: 'good', reply: answer },
        ],
      });
      // A short stall timeout only where a stall is the point: elsewhere a busy machine could trip it.
      const llm = llmFor(server, fault.type === 'stall' ? { retry: { stallTimeoutMs: 500 } } : {});
      const started = Date.now();
      const events = await collectLlm(llm.stream(request(provider, 'edit a.ts'), { taskId: 't1' }));
      const retries = events.filter((e) => e.type === 'retry');
      expect(retries).toHaveLength(1);
      expect(retries[0]).toMatchObject({ kind });
      // Text streamed before the failure (if any reached us) is marked for the consumer to drop.
      const before = events.slice(0, events.indexOf(retries[0]!));
      expect(retries[0]).toMatchObject({ discardText: before.some((e) => e.type === 'text') });
      if (kind === 'stalled') expect(before.some((e) => e.type === 'text')).toBe(true);
      expect(keptText(events)).toBe(answer.text);
      const calls = events.filter((e) => e.type === 'tool_call');
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        call: { name: 'edit_file', arguments: { path: 'a.ts', content: 'x' } },
      });
      expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'tool_use', attempts: 2 });
      expect(server.requests.map((r) => r.ruleName)).toEqual(['fault', 'good']);
      if (fault.type === 'status' && fault.retryAfterMs) {
        // retry-after-ms honoured: the second request came no earlier than asked.
        expect(server.requests[1]!.time - server.requests[0]!.time).toBeGreaterThanOrEqual(
          fault.retryAfterMs - 5,
        );
      }
      if (fault.type === 'stall') expect(Date.now() - started).toBeGreaterThanOrEqual(490);
    },
  );

  it('gives up after the bounded number of stream restarts with an LlmError', async () => {
    const server = await fakeServer({ rules: [{ fault: { type: 'cut', afterChunks: 3 }, reply: answer }] });
    const llm = llmFor(server, { retry: { maxStreamRestarts: 2 } });
    const events: LlmEvent[] = [];
    const error = await (async () => {
      for await (const e of llm.stream(request(provider, 'x'), { taskId: 't1' })) events.push(e);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: 'stream' });
    expect(server.requests).toHaveLength(3);
    expect(events.filter((e) => e.type === 'tool_call')).toHaveLength(0);
  });

  it('does not retry a request the API rejects as invalid', async () => {
    const server = await fakeServer({
      rules: [{ fault: { type: 'status', status: 400, message: 'bad tool schema' } }],
    });
    const error = await collectLlm(llmFor(server).stream(request(provider, 'x'), { taskId: 't1' })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'request', status: 400 });
    expect((error as Error).message).toContain('bad tool schema');
    expect(server.requests).toHaveLength(1);
  });

  it('stops at once when the caller aborts mid-stream', async () => {
    const server = await fakeServer({
      rules: [{ reply: { text: 'a b c d e f g h i j k l', tokenLatencyMs: 50 } }],
    });
    const controller = new AbortController();
    const seen: LlmEvent[] = [];
    const error = await (async () => {
      for await (const e of llmFor(server).stream(request(provider, 'x', { signal: controller.signal }), {
        taskId: 't1',
      })) {
        seen.push(e);
        if (seen.length === 2) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'aborted' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('model names', () => {
  it('uses the right wire for each test model', () => {
    expect(Object.keys(MODELS)).toEqual(PROVIDERS);
  });
});

describe('forTask: the Provider view keeps restarted turns exactly-once', () => {
  it.each(PROVIDERS)('%s: a stream cut mid-answer shows the answer once', async (provider) => {
    const server = await fakeServer({
      rules: [{ times: 1, fault: { type: 'cut', afterChunks: 6 }, reply: answer }, { reply: answer }],
    });
    const llm = llmFor(server);
    const model = request(provider, '').model;
    let text = '';
    const calls = [];
    for await (const e of llm.forTask('t1', model).stream(request(provider, 'edit a.ts'))) {
      if (e.type === 'text') text += e.delta;
      if (e.type === 'tool_call') calls.push(e.call);
    }
    expect(text).toBe(answer.text);
    expect(calls).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    expect(llm.forTask('t1', model).name).toBe(provider);
  });
});
