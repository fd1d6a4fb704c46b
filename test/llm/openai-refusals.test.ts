import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { FakeServer } from '../../src/llm/fake/index.js';
import { chatParams, responsesParams } from '../../src/llm/openai-request.js';
import type { Message, ToolSpec, TurnRequest } from '../../src/llm/types.js';
import { FAKE_KEYS, fakeServer } from './helpers.js';

/**
 * Each refusal of the strict fake's OpenAI rules: the request maestro used to send (built here the
 * way the old provider built it) is refused with the API's status and body, and the request the
 * provider builds now is accepted.
 */
const readFile: ToolSpec = {
  name: 'read_file',
  description: 'Read a file',
  parameters: { type: 'object', properties: { path: { type: 'string' } } },
};

const client = (server: FakeServer) =>
  new OpenAI({ apiKey: FAKE_KEYS.OPENAI_API_KEY, baseURL: server.openaiBaseURL, maxRetries: 0 });

async function send(server: FakeServer, path: 'chat' | 'responses', body: object) {
  const c = client(server);
  const run = async () => {
    const stream = (await (path === 'chat'
      ? c.chat.completions.create(body as never)
      : c.responses.create(body as never))) as unknown as AsyncIterable<unknown>;
    for await (const _ of stream) void _;
  };
  return run().then(
    () => ({ status: 200, error: undefined }),
    (e: {
      status?: number;
      error?: { message?: string; code?: string | null; type?: string; param?: string };
    }) => ({
      status: e.status,
      error: e.error,
    }),
  );
}

const base = (extra: Partial<TurnRequest> = {}): TurnRequest => ({
  model: 'gpt-6.1-terra',
  system: [{ text: 'You are a coding agent.' }],
  messages: [{ role: 'user', content: 'Read a.ts' }],
  tools: [readFile],
  ...extra,
});

/** What maestro's Chat Completions provider sent before: no effort, `content: null`, raw caps. */
function oldChatBody(request: TurnRequest) {
  return {
    model: request.model,
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: 'system', content: request.system.map((s) => s.text).join('\n\n') },
      ...request.messages.map((m) =>
        m.role === 'assistant'
          ? { role: 'assistant', content: m.content || null }
          : m.role === 'tool'
            ? { role: 'tool', tool_call_id: m.toolCallId, content: m.content }
            : m,
      ),
    ],
    ...(request.tools?.length
      ? {
          tools: request.tools.map((t) => ({
            type: 'function',
            function: { name: t.name, parameters: t.parameters },
          })),
        }
      : {}),
    ...(request.maxOutputTokens !== undefined ? { max_completion_tokens: request.maxOutputTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
  };
}

const answer = { rules: [], fallback: { text: 'ok' } };

describe('strict fake: Chat Completions refusals', () => {
  it('tools on a reasoning model without reasoning_effort "none": refused; now effort none is sent', async () => {
    const server = await fakeServer(answer);
    const old = await send(server, 'chat', oldChatBody(base()));
    expect(old).toMatchObject({
      status: 400,
      error: { type: 'invalid_request_error', param: 'reasoning_effort' },
    });
    expect(old.error?.message).toMatch(
      /Function tools with reasoning_effort are not supported for gpt-6.1-terra/,
    );
    const now = chatParams(base());
    expect(now.reasoning_effort).toBe('none');
    expect(await send(server, 'chat', now)).toEqual({ status: 200, error: undefined });
  });

  it('a model that cannot stop reasoning gets no tools on chat: maestro says to use the Responses API', () => {
    expect(() => chatParams(base({ model: 'gpt-6.2-sol' }))).toThrow(/providers.openai.api to "responses"/);
  });

  it('an empty assistant turn (content null, "", whitespace): refused; now left out', async () => {
    const server = await fakeServer(answer);
    const history: Message[] = [
      { role: 'user', content: 'one' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: '   ' },
      { role: 'user', content: 'three' },
    ];
    const request = base({ messages: history, tools: [] });
    const old = await send(server, 'chat', oldChatBody(request));
    expect(old).toMatchObject({ status: 400, error: { param: 'messages.[2].content' } });
    expect(old.error?.message).toMatch(/expected a string, got null/);
    const whitespace = oldChatBody(request);
    (whitespace.messages[2] as { content: string | null }).content = ' ';
    expect((await send(server, 'chat', whitespace)).status).toBe(400);
    const now = chatParams(request);
    expect(now.messages.map((m) => m.role)).toEqual(['system', 'user', 'user', 'user']);
    expect((await send(server, 'chat', now)).status).toBe(200);
  });

  it('a tool result without its call, and a call without its result: refused', async () => {
    const server = await fakeServer(answer);
    const orphan = oldChatBody(base({ tools: [] }));
    orphan.messages.push({ role: 'tool', tool_call_id: 'call_x', content: 'r' } as never);
    const refused = await send(server, 'chat', orphan);
    expect(refused.error?.message).toMatch(/must be a response to a preceeding message with 'tool_calls'/);
    const unanswered = chatParams(
      base({
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'call_1', name: 'read_file', arguments: {}, rawArguments: '{}' }],
          },
        ],
      }),
    );
    expect((await send(server, 'chat', unanswered)).error?.message).toMatch(
      /did not have response messages: call_1/,
    );
  });

  it('temperature while reasoning and max tokens over the cap: refused; now dropped and capped', async () => {
    const server = await fakeServer(answer);
    const request = base({ tools: [], temperature: 0.3, maxOutputTokens: 200_000 });
    const old = oldChatBody(request);
    // The model reasons by default, so temperature is refused even without reasoning_effort.
    expect((await send(server, 'chat', old)).error).toMatchObject({
      param: 'temperature',
      code: 'unsupported_parameter',
    });
    const { temperature: _t, ...uncapped } = old;
    expect((await send(server, 'chat', uncapped)).error?.message).toMatch(
      /max_tokens is too large: 200000.*at most 128000/,
    );
    const now = chatParams(request, 'high');
    expect(now).toMatchObject({ reasoning_effort: 'high', max_completion_tokens: 128_000 });
    expect(now).not.toHaveProperty('temperature');
    expect((await send(server, 'chat', now)).status).toBe(200);
  });

  it('an unknown parameter: refused like the API refuses it', async () => {
    const server = await fakeServer(answer);
    const result = await send(server, 'chat', {
      ...chatParams(base({ tools: [] })),
      thinking: { type: 'enabled' },
    });
    expect(result).toMatchObject({
      status: 400,
      error: { message: 'Unrecognized request argument supplied: thinking' },
    });
    const responses = await send(server, 'responses', { ...responsesParams(base()), max_tokens: 10 });
    expect(responses).toMatchObject({
      status: 400,
      error: { code: 'unknown_parameter', param: 'max_tokens' },
    });
  });
});

describe('strict fake: Responses refusals', () => {
  it('reasoning effort the model refuses, and a prompt over the window', async () => {
    const server = await fakeServer(answer);
    const none = { ...responsesParams(base({ model: 'gpt-6.2-sol' })), reasoning: { effort: 'none' } };
    expect((await send(server, 'responses', none)).error).toMatchObject({
      param: 'reasoning.effort',
      code: 'unsupported_value',
    });
    expect(
      (await send(server, 'responses', responsesParams(base({ model: 'gpt-6.2-sol' }), 'none'))).status,
    ).toBe(200);
    const huge = base({
      model: 'maestro-test-small-gpt',
      messages: [{ role: 'user', content: 'x '.repeat(20_000) }],
    });
    expect((await send(server, 'responses', responsesParams(huge))).error).toMatchObject({
      code: 'context_length_exceeded',
    });
  });

  it('reasoning items and calls must come back as they were handed out', async () => {
    const server = await fakeServer({
      rules: [
        { match: { turn: 0 }, reply: { toolCalls: [{ name: 'read_file', arguments: { path: 'a' } }] } },
      ],
      fallback: { text: 'ok' },
    });
    const c = client(server);
    const first = await c.responses.create({
      model: 'gpt-6.2-sol',
      input: 'read a',
      store: false,
      include: ['reasoning.encrypted_content'],
      tools: [{ type: 'function', name: 'read_file', parameters: {}, strict: false }],
    });
    const [reasoning, call] = first.output as unknown as Record<string, unknown>[];
    const output = { type: 'function_call_output', call_id: call!.call_id, output: 'content' };
    const next = (input: unknown[]) => ({ model: 'gpt-6.2-sol', store: false, stream: true, input });
    // The call without the reasoning item it came with (what a rebuilt history would send).
    expect(
      (await send(server, 'responses', next(['read a', call, output].map(asItem)))).error?.message,
    ).toMatch(/without its required 'reasoning' item/);
    // The reasoning item by id only: nothing is stored with store: false.
    const byId = { type: 'reasoning', id: reasoning!.id, summary: [] };
    expect(await send(server, 'responses', next([asItem('read a'), byId, call, output]))).toMatchObject({
      status: 404,
    });
    const forged = { ...reasoning, encrypted_content: 'gAAAABforged' };
    expect(
      (await send(server, 'responses', next([asItem('read a'), forged, call, output]))).error?.message,
    ).toMatch(/could not be verified/);
    expect((await send(server, 'responses', next([asItem('read a'), output]))).error?.message).toMatch(
      /No tool call found for function call output/,
    );
    expect(
      (await send(server, 'responses', next([asItem('read a'), reasoning, call]))).error?.message,
    ).toMatch(/No tool output found for function call/);
    expect((await send(server, 'responses', next([asItem('read a'), reasoning, call, output]))).status).toBe(
      200,
    );
  });
});

function asItem(value: unknown): unknown {
  return typeof value === 'string' ? { role: 'user', content: value } : value;
}
