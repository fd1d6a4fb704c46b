import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import { describe, expect, it } from 'vitest';
import { collect, FAKE_KEYS, fakeServer, providerFor, request, textOf } from './helpers.js';
import type { FakeServer } from '../../src/llm/fake/index.js';
import type { Message, ToolSpec, TurnEvent } from '../../src/llm/types.js';

/**
 * Each refusal of the strict fake: the request maestro used to send (built here with the SDK, as
 * the old provider built it) is refused with the API's status and error body; the request the
 * provider sends now is accepted.
 */
const tool: ToolSpec = {
  name: 'read_file',
  description: 'Read a file',
  parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

function sdk(server: FakeServer): Anthropic {
  return new Anthropic({
    apiKey: FAKE_KEYS.ANTHROPIC_API_KEY,
    baseURL: server.anthropicBaseURL,
    maxRetries: 0,
  });
}

async function refusal(server: FakeServer, body: Record<string, unknown>) {
  const error = await sdk(server)
    .messages.create(
      {
        model: 'claude-sonnet-4-6',
        max_tokens: 8192,
        messages: [{ role: 'user', content: 'go' }],
        ...body,
      } as MessageCreateParamsNonStreaming,
      { timeout: 60_000 },
    )
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Anthropic.BadRequestError);
  const e = error as InstanceType<typeof Anthropic.BadRequestError>;
  expect(e.status).toBe(400);
  expect(e.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  return (e.error as { error: { message: string } }).error.message;
}

const lastBody = (server: FakeServer) => server.requests.at(-1)!.body;

/** A first turn that calls read_file, and the conversation that sends its result back. */
async function toolTurn(server: FakeServer): Promise<Message[]> {
  const events = await collect(
    providerFor('anthropic', server).stream(request('anthropic', 'go', { tools: [tool] })),
  );
  const call = events.flatMap((e) => (e.type === 'tool_call' ? [e.call] : []))[0]!;
  const done = events.at(-1) as Extract<TurnEvent, { type: 'done' }>;
  return [
    { role: 'user', content: 'go' },
    {
      role: 'assistant',
      content: textOf(events),
      toolCalls: [call],
      ...(done.replay ? { replay: done.replay } : {}),
    },
    { role: 'tool', toolCallId: call.id, name: 'read_file', content: 'export const x = 1;' },
  ];
}

const rules = {
  rules: [
    { match: { toolResult: { name: 'read_file' } }, reply: { text: 'Done.' } },
    {
      match: { turn: 0, hasTool: 'read_file' },
      reply: { text: 'Reading.', toolCalls: [{ name: 'read_file', arguments: { path: 'a.ts' } }] },
    },
  ],
  fallback: { text: 'ok' },
};

describe('strict fake server: what the Messages API refuses', () => {
  it('temperature on a model that refuses it: dropped by the provider', async () => {
    const server = await fakeServer(rules);
    expect(await refusal(server, { temperature: 0 })).toBe('`temperature` is deprecated for this model.');
    // The conflict proposal asks for temperature 0: the provider leaves it out for this model.
    const events = await collect(
      providerFor('anthropic', server).stream(request('anthropic', 'hi', { temperature: 0 })),
    );
    expect(textOf(events)).toBe('ok');
    expect(lastBody(server)).not.toHaveProperty('temperature');
  });

  it('a tool-use continuation without the thinking block: replayed verbatim now', async () => {
    const server = await fakeServer(rules);
    const conversation = await toolTurn(server);
    const call = (conversation[1] as Extract<Message, { role: 'assistant' }>).toolCalls![0]!;
    // What the old provider sent: the assistant turn rebuilt from text and tool_use only.
    const message = await refusal(server, {
      tools: [{ name: 'read_file', description: 'Read a file', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Reading.' },
            { type: 'tool_use', id: call.id, name: 'read_file', input: { path: 'a.ts' } },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: call.id, content: 'export const x = 1;' }],
        },
      ],
    });
    expect(message).toMatch(
      /^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `text`/,
    );
    const events = await collect(
      providerFor('anthropic', server).stream(
        request('anthropic', 'go', { tools: [tool], messages: conversation }),
      ),
    );
    expect(textOf(events)).toBe('Done.');
    const sent = (lastBody(server).messages as { content: { type: string; signature?: string }[] }[])[1]!;
    expect(sent.content[0]).toMatchObject({
      type: 'thinking',
      signature: expect.stringMatching(/^fake-sig-/),
    });
  });

  it('a changed thinking block is refused: its signature no longer matches', async () => {
    const server = await fakeServer(rules);
    const conversation = await toolTurn(server);
    const assistant = conversation[1] as Extract<Message, { role: 'assistant' }>;
    const content = assistant.replay!.content.map((b) =>
      (b as { type: string }).type === 'thinking' ? { ...(b as object), thinking: 'edited' } : b,
    );
    const error = await collect(
      providerFor('anthropic', server).stream(
        request('anthropic', 'go', {
          tools: [tool],
          messages: [
            conversation[0]!,
            { ...assistant, replay: { provider: 'anthropic', content } },
            conversation[2]!,
          ],
        }),
      ),
    ).catch((e: unknown) => e);
    expect(String(error)).toMatch(/Invalid `signature` in `thinking` block/);
  });

  it('a tool_use without its tool_result in the next message', async () => {
    const server = await fakeServer(rules);
    const message = await refusal(server, {
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'read_file', input: {} }] },
        { role: 'user', content: 'and then?' },
      ],
      thinking: { type: 'disabled' },
    });
    expect(message).toBe(
      'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
    );
    // The provider pairs every call with its result in the next user message.
    const events = await collect(
      providerFor('anthropic', server).stream(
        request('anthropic', 'go', { tools: [tool], messages: await toolTurn(server) }),
      ),
    );
    expect(textOf(events)).toBe('Done.');
  });

  it('more than four cache breakpoints: the provider keeps to four on a long conversation', async () => {
    const server = await fakeServer(rules);
    const marked = { type: 'text' as const, text: 'x', cache_control: { type: 'ephemeral' as const } };
    expect(
      await refusal(server, {
        system: [marked, marked, marked],
        messages: [{ role: 'user', content: [marked, marked] }],
      }),
    ).toBe('A maximum of 4 blocks with cache_control may be provided. Found 5.');
    const conversation = await toolTurn(server);
    const longer: Message[] = [
      ...conversation,
      { role: 'assistant', content: 'More.', toolCalls: [] },
      { role: 'user', content: 'continue' },
    ];
    await collect(
      providerFor('anthropic', server).stream(
        request('anthropic', 'go', { tools: [tool], messages: longer }),
      ),
    );
    const count = (JSON.stringify(lastBody(server)).match(/cache_control/g) ?? []).length;
    expect(count).toBe(4);
  });

  it('max_tokens over the model limit: the provider asks for the catalog cap', async () => {
    const server = await fakeServer(rules);
    expect(await refusal(server, { max_tokens: 200_000 })).toBe(
      'max_tokens: 200000 > 128000, which is the maximum allowed number of output tokens for claude-sonnet-4-6',
    );
    await collect(
      providerFor('anthropic', server).stream(request('anthropic', 'hi', { maxOutputTokens: 200_000 })),
    );
    expect(lastBody(server).max_tokens).toBe(128_000);
    // Without a request cap the model gets its whole cap: thinking counts against max_tokens.
    await collect(providerFor('anthropic', server).stream(request('anthropic', 'hi')));
    expect(lastBody(server).max_tokens).toBe(128_000);
  });

  it('empty and whitespace-only assistant text is never sent', async () => {
    const server = await fakeServer(rules);
    // The old provider sent `content: " "` as a text block.
    expect(
      await refusal(server, {
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'text', text: ' \n' }] },
          { role: 'user', content: 'go on' },
        ],
      }),
    ).toBe('messages: text content blocks must contain non-whitespace text');
    expect(
      await refusal(server, {
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'text', text: '' }] },
          { role: 'user', content: 'go on' },
        ],
      }),
    ).toBe('messages: text content blocks must be non-empty');
    const events = await collect(
      providerFor('anthropic', server).stream(
        request('anthropic', 'go', {
          messages: [
            { role: 'user', content: 'go' },
            { role: 'assistant', content: ' \n' },
            { role: 'user', content: 'go on' },
          ],
        }),
      ),
    );
    expect(textOf(events)).toBe('ok');
    expect(lastBody(server).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'go' },
          { type: 'text', text: 'go on' },
        ],
      },
    ]);
  });

  it('a prompt over the context window', async () => {
    const server = await fakeServer(rules);
    const message = await refusal(server, {
      model: 'maestro-test-small-claude',
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'word '.repeat(8000) }],
    });
    expect(message).toMatch(/^prompt is too long: \d+ tokens > 8192 maximum$/);
  });
});
