import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { FakeServer } from '../../src/llm/fake/index.js';
import { createOpenAiProvider } from '../../src/llm/openai.js';
import type { Message, ProviderReplay, ToolSpec, TurnEvent, TurnRequest } from '../../src/llm/types.js';
import { createRedactor } from '../../src/util/redact.js';
import { collect, FAKE_KEYS, fakeServer, textOf } from './helpers.js';

const readFile: ToolSpec = {
  name: 'read_file',
  description: 'Read a file',
  parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

function responsesProvider(server: FakeServer, reasoningEffort?: string) {
  return createOpenAiProvider({
    apiKey: FAKE_KEYS.OPENAI_API_KEY,
    baseURL: server.openaiBaseURL,
    openaiApi: 'responses',
    redact: createRedactor(FAKE_KEYS),
    ...(reasoningEffort ? { reasoningEffort } : {}),
  });
}

const turn = (messages: Message[], extra: Partial<TurnRequest> = {}): TurnRequest => ({
  model: 'gpt-6.2-sol',
  system: [{ text: 'You are a careful coding agent.', cache: true }],
  messages,
  tools: [readFile],
  cacheKey: 'run-1',
  ...extra,
});

const done = (events: TurnEvent[]) =>
  events.find((e) => e.type === 'done') as Extract<TurnEvent, { type: 'done' }>;

const toolScenario = {
  rules: [
    {
      match: { turn: 0 },
      reply: { toolCalls: [{ name: 'read_file', arguments: { path: 'a.ts' } }] },
    },
    {
      match: { toolResult: { name: 'read_file', content: 'export const a' } },
      reply: { text: 'a.ts exports a.' },
    },
  ],
};

describe('OpenAI on the Responses API against the strict fake', () => {
  it('runs a tool turn statelessly: reasoning items go back encrypted, ahead of their call', async () => {
    const server = await fakeServer(toolScenario);
    const provider = responsesProvider(server);
    const first = await collect(provider.stream(turn([{ role: 'user', content: 'What does a.ts export?' }])));
    const call = first.find((e) => e.type === 'tool_call');
    expect(call?.type === 'tool_call' && call.call.arguments).toEqual({ path: 'a.ts' });
    const replay = done(first).replay as ProviderReplay;
    expect(replay.content.map((i) => (i as { type: string }).type)).toEqual(['reasoning', 'function_call']);
    const sent = server.requests[0]!.body;
    expect(sent).toMatchObject({
      store: false,
      stream: true,
      include: ['reasoning.encrypted_content'],
      reasoning: { effort: 'medium' },
      prompt_cache_key: 'run-1',
      instructions: 'You are a careful coding agent.',
    });
    expect(sent).not.toHaveProperty('temperature');
    const history: Message[] = [
      { role: 'user', content: 'What does a.ts export?' },
      { role: 'assistant', content: '', toolCalls: call?.type === 'tool_call' ? [call.call] : [], replay },
      {
        role: 'tool',
        toolCallId: call?.type === 'tool_call' ? call.call.id : '',
        name: 'read_file',
        content: 'export const a = 1;',
      },
    ];
    const second = await collect(provider.stream(turn(history)));
    expect(server.requests[1]?.refused).toBeUndefined();
    expect(textOf(second)).toBe('a.ts exports a.');
    expect(done(second).stopReason).toBe('end_turn');
    const input = server.requests[1]!.body.input as { type?: string; encrypted_content?: string }[];
    expect(input.map((i) => i.type ?? 'message')).toEqual([
      'message',
      'reasoning',
      'function_call',
      'function_call_output',
    ]);
    expect(input[1]?.encrypted_content).toMatch(/^gAAAAB/);
  });

  it('sends the configured effort where the model takes it, the catalog default where it does not', async () => {
    const server = await fakeServer({ rules: [], fallback: { text: 'ok' } });
    await collect(responsesProvider(server, 'high').stream(turn([{ role: 'user', content: 'hi' }])));
    await collect(responsesProvider(server, 'none').stream(turn([{ role: 'user', content: 'hi' }])));
    await collect(
      responsesProvider(server, 'none').stream(
        turn([{ role: 'user', content: 'hi' }], { model: 'gpt-6.1-terra', temperature: 0.2 }),
      ),
    );
    expect(server.requests.map((r) => r.refused)).toEqual([undefined, undefined, undefined]);
    expect(server.requests.map((r) => (r.body.reasoning as { effort?: string }).effort)).toEqual([
      'high',
      'medium', // gpt-6.2-sol refuses "none"
      'none',
    ]);
    // With reasoning off, temperature is allowed again, and no reasoning item is asked for.
    expect(server.requests[2]?.body).toMatchObject({ temperature: 0.2 });
    expect(server.requests[2]?.body).not.toHaveProperty('include');
  });

  it('reports cached and written tokens of its automatic prompt cache (≥ 1024 tokens, 128-token steps)', async () => {
    const server = await fakeServer({ rules: [], fallback: { text: 'ok' } });
    const provider = responsesProvider(server);
    const big = [
      { text: `Repository overview. ${'src/module.ts exports helpers. '.repeat(400)}`, cache: true },
    ];
    const ask = (cacheKey: string, q: string) =>
      collect(provider.stream(turn([{ role: 'user', content: q }], { system: big, tools: [], cacheKey })));
    const cold = done(await ask('run-1', 'first question'));
    const warm = done(await ask('run-1', 'second question'));
    const otherKey = done(await ask('run-2', 'third question'));
    expect(cold.usage.cachedInputTokens).toBe(0);
    expect(cold.usage.cacheWriteTokens).toBeGreaterThanOrEqual(1024);
    expect(warm.usage.cachedInputTokens).toBeGreaterThanOrEqual(1024);
    expect(warm.usage.cachedInputTokens % 128).toBe(0);
    expect(otherKey.usage.cachedInputTokens).toBe(0);
    // Below 1,024 tokens nothing is cached, however often the prompt repeats.
    const tiny = await collect(
      provider.stream(turn([{ role: 'user', content: 'hi' }], { tools: [], cacheKey: 't' })),
    );
    const tinyAgain = await collect(
      provider.stream(turn([{ role: 'user', content: 'hi' }], { tools: [], cacheKey: 't' })),
    );
    expect(done(tiny).usage.cachedInputTokens + done(tinyAgain).usage.cachedInputTokens).toBe(0);
  });

  it('maps a refusal and the output cap to their stop reasons, and reports reasoning tokens', async () => {
    const server = await fakeServer({
      rules: [
        {
          match: { lastUser: 'forbidden' },
          reply: { text: 'I cannot help with that.', stopReason: 'refusal' },
        },
        { match: { lastUser: 'long' }, reply: { text: 'cut', stopReason: 'max_tokens' } },
      ],
    });
    const provider = responsesProvider(server);
    const refused = await collect(provider.stream(turn([{ role: 'user', content: 'forbidden' }])));
    expect(done(refused).stopReason).toBe('refusal');
    expect(textOf(refused)).toBe('I cannot help with that.');
    expect(done(refused).reasoningTokens).toBeGreaterThan(0);
    const capped = await collect(provider.stream(turn([{ role: 'user', content: 'long' }])));
    expect(done(capped).stopReason).toBe('max_tokens');
  });

  it('gives other OpenAI clients unique ids and a well-formed event sequence', async () => {
    const server = await fakeServer({ rules: [], fallback: { text: 'hello there' } });
    const client = new OpenAI({
      apiKey: FAKE_KEYS.OPENAI_API_KEY,
      baseURL: server.openaiBaseURL,
      maxRetries: 0,
    });
    const types: string[] = [];
    const ids = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const stream = await client.responses.create({
        model: 'gpt-6-luna',
        input: 'hi',
        stream: true,
        store: false,
      });
      for await (const event of stream) {
        if (i === 0) types.push(event.type);
        if (event.type === 'response.completed') ids.add(event.response.id);
      }
    }
    expect(ids.size).toBe(2);
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_item.added');
    expect(types).toContain('response.output_text.delta');
    expect(types).toContain('response.output_item.done');
    expect(types.at(-1)).toBe('response.completed');
    const body = await client.responses.create({ model: 'gpt-6-luna', input: 'hi', store: false });
    expect(body.output_text).toBe('hello there');
  });
});
