import type { StopReason } from '../types.js';
import { fragments, tokens, type ResolvedReply, type Wire } from './wire.js';

const stopReason = (stop: StopReason): string => (stop === 'other' ? 'end_turn' : stop);

function startUsage(reply: ResolvedReply) {
  return {
    input_tokens: reply.usage.inputTokens,
    cache_creation_input_tokens: reply.usage.cacheWriteTokens,
    cache_read_input_tokens: reply.usage.cachedInputTokens,
    output_tokens: 1,
  };
}

const event = (type: string, data: Record<string, unknown>) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/** Anthropic Messages: message_start, content blocks with text/input_json deltas, message_delta, message_stop. */
export const anthropicWire: Wire = {
  contentType: 'text/event-stream',
  garbage: 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{\n\n',
  chunks(reply) {
    const out = [
      event('message_start', {
        message: {
          id: 'msg_fake',
          type: 'message',
          role: 'assistant',
          model: reply.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: startUsage(reply),
        },
      }),
      event('ping', {}),
    ];
    let index = 0;
    if (reply.text) {
      out.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      for (const token of tokens(reply.text)) {
        out.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: token } }));
      }
      out.push(event('content_block_stop', { index }));
      index++;
    }
    for (const call of reply.toolCalls) {
      out.push(
        event('content_block_start', {
          index,
          content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
        }),
      );
      for (const part of fragments(call.raw)) {
        out.push(
          event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } }),
        );
      }
      out.push(event('content_block_stop', { index }));
      index++;
    }
    out.push(
      event('message_delta', {
        delta: { stop_reason: stopReason(reply.stopReason), stop_sequence: null },
        usage: { output_tokens: reply.usage.outputTokens },
      }),
      event('message_stop', {}),
    );
    return out;
  },
  body(reply) {
    const content: unknown[] = [];
    if (reply.text) content.push({ type: 'text', text: reply.text });
    for (const call of reply.toolCalls) {
      let input: unknown = {};
      try {
        input = JSON.parse(call.raw);
      } catch {
        // A non-streamed reply cannot carry malformed JSON: the API always sends an object.
      }
      content.push({ type: 'tool_use', id: call.id, name: call.name, input });
    }
    return {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model: reply.model,
      content,
      stop_reason: stopReason(reply.stopReason),
      stop_sequence: null,
      usage: { ...startUsage(reply), output_tokens: reply.usage.outputTokens },
    };
  },
  errorBody(status, message) {
    const type =
      status === 429
        ? 'rate_limit_error'
        : status === 529
          ? 'overloaded_error'
          : status >= 500
            ? 'api_error'
            : 'invalid_request_error';
    return { type: 'error', error: { type, message } };
  },
};
