import { openAiWire } from './wire-openai.js';
import { estimateTokens, fragments, tokens, type ResolvedReply, type Wire } from './wire.js';
import type { ResponsesLedger } from './responses-ledger.js';

/** What one Responses request asked for that shapes the answer. */
export interface ResponsesRequestShape {
  /** The model reasons on this request (catalog model, effort not `none`). */
  reasons: boolean;
  /** `include: ["reasoning.encrypted_content"]`: reasoning items carry their encrypted content. */
  encrypted: boolean;
  /** `reasoning.summary` was asked for: reasoning items carry a summary text. */
  summary: boolean;
  /** Names of `type: "custom"` tools (free-form input, e.g. codex's apply_patch). */
  customTools: ReadonlySet<string>;
}

type Json = Record<string, unknown>;
const event = (type: string, data: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/** OpenAI automatic caching: prefixes of at least 1,024 tokens, in 128-token steps. */
const cacheable = (tokensIn: number) => (tokensIn >= 1024 ? Math.floor(tokensIn / 128) * 128 : 0);

function usage(reply: ResolvedReply, reasoningTokens: number) {
  const input = reply.usage.inputTokens + reply.usage.cachedInputTokens + reply.usage.cacheWriteTokens;
  // What is newly cached by this request is reported as written (GPT-6 bills cache writes).
  const written = Math.max(0, cacheable(input) - reply.usage.cachedInputTokens);
  const output = reply.usage.outputTokens + reasoningTokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: reply.usage.cachedInputTokens, cache_write_tokens: written },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: input + output,
  };
}

/**
 * The Responses API (`POST /v1/responses`) for one request: SSE events response.created,
 * response.in_progress, output_item.added/done for reasoning, message and function_call items,
 * output_text / refusal / function_call_arguments deltas, and response.completed (or
 * response.incomplete at the output cap) with usage. Ids are unique; reasoning items carry
 * encrypted content the ledger can verify when it comes back.
 * https://developers.openai.com/api/reference/resources/responses/streaming-events
 */
export function responsesWire(ledger: ResponsesLedger, shape: ResponsesRequestShape): Wire {
  function build(reply: ResolvedReply) {
    const id = ledger.id('resp');
    const created = Math.floor(Date.now() / 1000);
    const events: [string, Json][] = [];
    const output: Json[] = [];
    const add = (item: Json, deltas: [string, Json][], done: Json) => {
      const index = output.length;
      events.push(['response.output_item.added', { output_index: index, item }]);
      for (const [type, data] of deltas)
        events.push([type, { item_id: item.id, output_index: index, ...data }]);
      events.push(['response.output_item.done', { output_index: index, item: done }]);
      output.push(done);
    };
    const thinking = reply.thinking;
    let reasoningId: string | undefined;
    let reasoningTokens = 0;
    if (shape.reasons || thinking) {
      reasoningId = ledger.id('rs');
      const text = thinking ?? 'Worked out what the request needs before answering.';
      reasoningTokens = estimateTokens(text);
      const summary = shape.summary ? [{ type: 'summary_text', text }] : [];
      const deltas: [string, Json][] = shape.summary
        ? [
            [
              'response.reasoning_summary_part.added',
              { summary_index: 0, part: { type: 'summary_text', text: '' } },
            ],
            ...tokens(text).map((delta): [string, Json] => [
              'response.reasoning_summary_text.delta',
              { summary_index: 0, delta },
            ]),
            ['response.reasoning_summary_text.done', { summary_index: 0, text }],
          ]
        : [];
      add({ id: reasoningId, type: 'reasoning', summary: [] }, deltas, {
        id: reasoningId,
        type: 'reasoning',
        summary,
        ...(shape.encrypted ? { encrypted_content: ledger.encrypt(reasoningId, text) } : {}),
      });
    }
    if (reply.text) {
      const msgId = ledger.id('msg');
      const refusal = reply.stopReason === 'refusal';
      const part = refusal
        ? { type: 'refusal', refusal: reply.text }
        : { type: 'output_text', text: reply.text, annotations: [], logprobs: [] };
      const empty = refusal ? { type: 'refusal', refusal: '' } : { ...part, text: '' };
      const kind = refusal ? 'refusal' : 'output_text';
      add(
        { id: msgId, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
        [
          ['response.content_part.added', { content_index: 0, part: empty }],
          ...tokens(reply.text).map((delta): [string, Json] => [
            `response.${kind}.delta`,
            { content_index: 0, delta, ...(refusal ? {} : { logprobs: [] }) },
          ]),
          [`response.${kind}.done`, { content_index: 0, [refusal ? 'refusal' : 'text']: reply.text }],
          ['response.content_part.done', { content_index: 0, part }],
        ],
        { id: msgId, type: 'message', status: 'completed', role: 'assistant', content: [part] },
      );
    }
    for (const call of reply.toolCalls) {
      const custom = shape.customTools.has(call.name);
      const itemId = ledger.id(custom ? 'ctc' : 'fc');
      if (reasoningId) ledger.pair(itemId, reasoningId);
      const input = custom ? customInput(call.raw) : call.raw;
      const field = custom ? 'input' : 'arguments';
      const kind = custom ? 'custom_tool_call_input' : 'function_call_arguments';
      const item = {
        id: itemId,
        type: custom ? 'custom_tool_call' : 'function_call',
        call_id: call.id,
        name: call.name,
      };
      add(
        { ...item, status: 'in_progress', [field]: '' },
        [
          ...fragments(input).map((delta): [string, Json] => [`response.${kind}.delta`, { delta }]),
          [`response.${kind}.done`, { [field]: input, ...(custom ? {} : { name: call.name }) }],
        ],
        { ...item, status: 'completed', [field]: input },
      );
    }
    const incomplete = reply.stopReason === 'max_tokens';
    const response = {
      id,
      object: 'response',
      created_at: created,
      status: incomplete ? 'incomplete' : 'completed',
      error: null,
      incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
      model: reply.model,
      output,
      parallel_tool_calls: true,
      store: false,
      usage: usage(reply, reasoningTokens),
    };
    return { response, events, terminal: incomplete ? 'response.incomplete' : 'response.completed' };
  }

  return {
    contentType: 'text/event-stream',
    garbage: 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":\n\n',
    chunks(reply) {
      const { response, events, terminal } = build(reply);
      let sequence = 0;
      const started = {
        ...response,
        status: 'in_progress',
        output: [],
        usage: null,
        incomplete_details: null,
      };
      const out = [
        event('response.created', { sequence_number: sequence++, response: started }),
        event('response.in_progress', { sequence_number: sequence++, response: started }),
      ];
      for (const [type, data] of events) out.push(event(type, { sequence_number: sequence++, ...data }));
      out.push(event(terminal, { sequence_number: sequence, response }));
      return out;
    },
    body(reply) {
      return build(reply).response;
    },
    errorBody: openAiWire.errorBody,
    errorEvent(code: string, message: string) {
      return event('error', { code, message, param: null, sequence_number: 0 });
    },
  };
}

/** A custom tool takes free text: scenario arguments `{input: "..."}` travel as that text. */
function customInput(raw: string): string {
  try {
    const parsed = JSON.parse(raw) as { input?: unknown };
    if (typeof parsed.input === 'string') return parsed.input;
  } catch {
    // Raw text already.
  }
  return raw;
}
