import { describe, expect, it } from 'vitest';
import { collect, fakeServer, PROVIDERS, providerFor, request, textOf } from './helpers.js';
import type { ToolSpec } from '../../src/llm/types.js';
import { LlmError } from '../../src/llm/errors.js';

const readFileTool: ToolSpec = {
  name: 'read_file',
  description: 'Read a file',
  parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

describe.each(PROVIDERS)('%s provider on the real SDK against the fake server', (name) => {
  it('streams text in several deltas and reports usage', async () => {
    const server = await fakeServer({
      rules: [{ match: { lastUser: 'hello' }, reply: { text: 'Hi there, how can I help?' } }],
    });
    const events = await collect(providerFor(name, server).stream(request(name, 'hello')));
    const deltas = events.filter((e) => e.type === 'text');
    expect(deltas.length).toBeGreaterThan(3);
    expect(textOf(events)).toBe('Hi there, how can I help?');
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', stopReason: 'end_turn' });
    if (done?.type !== 'done') throw new Error('no done');
    expect(done.usage.inputTokens).toBeGreaterThan(0);
    const answerTokens = Math.ceil('Hi there, how can I help?'.length / 4);
    // Anthropic's output count includes the thinking the model did first (it thinks by default).
    if (name === 'anthropic') expect(done.usage.outputTokens).toBeGreaterThan(answerTokens);
    else expect(done.usage.outputTokens).toBe(answerTokens);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.provider).toBe(name);
  });

  it('yields complete tool calls with parsed arguments, and keeps malformed ones with parseError', async () => {
    const server = await fakeServer({
      rules: [
        {
          match: { hasTool: 'read_file' },
          reply: {
            text: 'Reading.',
            toolCalls: [
              { name: 'read_file', arguments: { path: 'src/index.ts' } },
              { name: 'read_file', rawArguments: '{"path": "src/a.ts"' },
            ],
          },
        },
      ],
    });
    const events = await collect(
      providerFor(name, server).stream(request(name, 'go', { tools: [readFileTool] })),
    );
    const calls = events.flatMap((e) => (e.type === 'tool_call' ? [e.call] : []));
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ name: 'read_file', arguments: { path: 'src/index.ts' } });
    expect(calls[0]?.parseError).toBeUndefined();
    expect(calls[1]).toMatchObject({
      name: 'read_file',
      arguments: undefined,
      rawArguments: '{"path": "src/a.ts"',
    });
    expect(calls[1]?.parseError).toBeTruthy();
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'tool_use' });
  });

  it('sends a conversation with tool results that the fake matches on', async () => {
    const server = await fakeServer({
      rules: [
        {
          match: { toolResult: { name: 'read_file', content: 'export const x' } },
          reply: { text: 'Seen it.' },
        },
        { match: { turn: 0 }, reply: { toolCalls: [{ name: 'read_file', arguments: { path: 'a.ts' } }] } },
      ],
    });
    const provider = providerFor(name, server);
    const first = await collect(provider.stream(request(name, 'go', { tools: [readFileTool] })));
    const call = first.flatMap((e) => (e.type === 'tool_call' ? [e.call] : []))[0]!;
    const done = first.at(-1);
    if (done?.type !== 'done') throw new Error('no done');
    const events = await collect(
      provider.stream(
        request(name, 'go', {
          tools: [readFileTool],
          messages: [
            { role: 'user', content: 'go' },
            // The turn goes back as the provider returned it (Anthropic: its signed thinking block).
            {
              role: 'assistant',
              content: '',
              toolCalls: [call],
              ...(done.replay ? { replay: done.replay } : {}),
            },
            { role: 'tool', toolCallId: call.id, name: 'read_file', content: 'export const x = 1;' },
          ],
        }),
      ),
    );
    expect(textOf(events)).toBe('Seen it.');
  });

  it('throws an LlmError naming the status when no rule matches', async () => {
    const server = await fakeServer({ rules: [{ match: { lastUser: 'never' }, reply: { text: 'x' } }] });
    const error = await collect(providerFor(name, server).stream(request(name, 'hello'))).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: 'request', status: 404 });
  });
});
