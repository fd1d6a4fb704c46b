import type { StopReason } from '../types.js';
import { fragments, tokens, type ResolvedReply, type Wire } from './wire.js';

const finishReason = (stop: StopReason): string =>
  (
    ({
      end_turn: 'stop',
      tool_use: 'tool_calls',
      max_tokens: 'length',
      stop_sequence: 'stop',
      pause_turn: 'stop',
      refusal: 'content_filter',
      context_window: 'length',
      other: 'stop',
    }) satisfies Record<StopReason, string>
  )[stop];

function usage(reply: ResolvedReply) {
  const prompt = reply.usage.inputTokens + reply.usage.cachedInputTokens + reply.usage.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: reply.usage.outputTokens,
    total_tokens: prompt + reply.usage.outputTokens,
    prompt_tokens_details: { cached_tokens: reply.usage.cachedInputTokens },
  };
}

/** OpenAI Chat Completions: SSE `data:` chunks with tool-call deltas, usage last, then `[DONE]`. */
export const openAiWire: Wire = {
  contentType: 'text/event-stream',
  garbage: 'data: {"id":"chatcmpl-garbled","choices":[{"delta":{"content":"\n\n',
  chunks(reply, includeUsage) {
    const id = `chatcmpl-${reply.toolCalls[0]?.id ?? 'fake'}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: reply.model, choices, ...extra })}\n\n`;
    const delta = (d: unknown, finish: string | null = null) =>
      chunk([{ index: 0, delta: d, finish_reason: finish }]);
    const out = [delta({ role: 'assistant', content: '' })];
    for (const token of tokens(reply.text)) out.push(delta({ content: token }));
    reply.toolCalls.forEach((call, index) => {
      out.push(
        delta({
          tool_calls: [
            { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
          ],
        }),
      );
      for (const part of fragments(call.raw))
        out.push(delta({ tool_calls: [{ index, function: { arguments: part } }] }));
    });
    out.push(delta({}, finishReason(reply.stopReason)));
    if (includeUsage) out.push(chunk([], { usage: usage(reply) }));
    out.push('data: [DONE]\n\n');
    return out;
  },
  body(reply) {
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: reply.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: reply.text || null,
            ...(reply.toolCalls.length > 0
              ? {
                  tool_calls: reply.toolCalls.map((c) => ({
                    id: c.id,
                    type: 'function',
                    function: { name: c.name, arguments: c.raw },
                  })),
                }
              : {}),
          },
          finish_reason: finishReason(reply.stopReason),
        },
      ],
      usage: usage(reply),
    };
  },
  errorBody(status, message, code) {
    // insufficient_quota is a 429 whose type and code both say so (developers.openai.com/api/docs/guides/error-codes).
    const type =
      code === 'insufficient_quota'
        ? code
        : status === 429
          ? 'rate_limit_exceeded'
          : status >= 500
            ? 'server_error'
            : 'invalid_request_error';
    return { error: { message, type, param: null, code: code ?? type } };
  },
  /** Chat Completions reports a failure inside a stream as a `data:` line holding `error`. */
  errorEvent(code, message) {
    return `data: ${JSON.stringify({ error: { message, type: code, param: null, code } })}\n\n`;
  },
};
