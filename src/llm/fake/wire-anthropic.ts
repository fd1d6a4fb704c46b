import type { StopReason } from '../types.js';
import { REDACTED_PREFIX, thinkingSignature } from './strict-anthropic.js';
import { fragments, tokens, type ResolvedReply, type Wire, type WireChunk } from './wire.js';

/** Our stop reasons as the API spells them (https://platform.claude.com/docs/en/api/messages). */
const stopReason = (stop: StopReason): string =>
  stop === 'context_window' ? 'model_context_window_exceeded' : stop === 'other' ? 'end_turn' : stop;

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

const redactedData = (reply: ResolvedReply) => `${REDACTED_PREFIX}${reply.id}`;

/** The content blocks of a reply, in order: thinking, redacted thinking, text, tool calls. */
function contentOf(reply: ResolvedReply): Record<string, unknown>[] {
  const content: Record<string, unknown>[] = [];
  if (reply.thinking !== null) {
    content.push({
      type: 'thinking',
      thinking: reply.thinking,
      signature: thinkingSignature(reply.thinking),
    });
  }
  if (reply.redactedThinking) content.push({ type: 'redacted_thinking', data: redactedData(reply) });
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
  return content;
}

/**
 * Anthropic Messages: message_start, ping, content blocks (thinking with its signature_delta,
 * redacted_thinking, text, tool_use with input_json deltas), message_delta, message_stop.
 */
export const anthropicWire: Wire = {
  contentType: 'text/event-stream',
  garbage: 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{\n\n',
  chunks(reply) {
    const out: WireChunk[] = [
      event('message_start', {
        message: {
          id: reply.id,
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
    for (let i = 0; i < (reply.pings?.count ?? 0); i++) {
      out.push({ pauseMs: reply.pings?.everyMs ?? 0 }, event('ping', {}));
    }
    let index = 0;
    if (reply.thinking !== null) {
      out.push(
        event('content_block_start', {
          index,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        }),
      );
      for (const token of tokens(reply.thinking)) {
        out.push(event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: token } }));
      }
      const signature = thinkingSignature(reply.thinking);
      out.push(
        event('content_block_delta', { index, delta: { type: 'signature_delta', signature } }),
        event('content_block_stop', { index }),
      );
      index++;
    }
    if (reply.redactedThinking) {
      const block = { type: 'redacted_thinking', data: redactedData(reply) };
      out.push(
        event('content_block_start', { index, content_block: block }),
        event('content_block_stop', { index }),
      );
      index++;
    }
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
      for (const part of fragments(call.raw, reply.argumentChunkChars)) {
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
    return {
      id: reply.id,
      type: 'message',
      role: 'assistant',
      model: reply.model,
      content: contentOf(reply),
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
          : status === 404
            ? 'not_found_error'
            : status >= 500
              ? 'api_error'
              : 'invalid_request_error';
    return { type: 'error', error: { type, message } };
  },
  // https://platform.claude.com/docs/en/build-with-claude/streaming ("Error events")
  errorEvent(type, message) {
    return event('error', { error: { type, message } });
  },
};
