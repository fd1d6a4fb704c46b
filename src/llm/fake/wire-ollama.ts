import type { ResolvedReply, Wire } from './wire.js';
import { tokens } from './wire.js';

function toolCalls(reply: ResolvedReply) {
  return reply.toolCalls.map((call) => {
    let args: unknown = call.raw;
    try {
      args = JSON.parse(call.raw);
    } catch {
      // Malformed arguments travel as the raw string, as some models' servers do.
    }
    return { function: { name: call.name, arguments: args } };
  });
}

function final(reply: ResolvedReply) {
  return {
    done: true,
    done_reason: reply.stopReason === 'max_tokens' ? 'length' : 'stop',
    total_duration: 1_000_000,
    load_duration: 0,
    prompt_eval_count: reply.usage.inputTokens + reply.usage.cachedInputTokens + reply.usage.cacheWriteTokens,
    prompt_eval_duration: 0,
    eval_count: reply.usage.outputTokens,
    eval_duration: 0,
  };
}

/** Ollama `/api/chat`: one JSON object per line; tool calls arrive whole; the last line has `done: true`. */
export const ollamaWire: Wire = {
  contentType: 'application/x-ndjson',
  garbage: '{"model":"garbled","message":{"role":\n',
  chunks(reply) {
    const line = (message: Record<string, unknown>, extra: Record<string, unknown> = { done: false }) =>
      `${JSON.stringify({ model: reply.model, created_at: new Date().toISOString(), message: { role: 'assistant', content: '', ...message }, ...extra })}\n`;
    // Thinking models stream `message.thinking` before the answer (https://docs.ollama.com/capabilities/thinking).
    const out = [
      ...tokens(reply.thinking ?? '').map((token) => line({ thinking: token })),
      ...tokens(reply.text).map((token) => line({ content: token })),
    ];
    if (reply.toolCalls.length > 0) out.push(line({ tool_calls: toolCalls(reply) }));
    out.push(line({}, final(reply)));
    return out;
  },
  body(reply) {
    const calls = toolCalls(reply);
    return {
      model: reply.model,
      created_at: new Date().toISOString(),
      message: {
        role: 'assistant',
        content: reply.text,
        ...(reply.thinking !== null ? { thinking: reply.thinking } : {}),
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      },
      ...final(reply),
    };
  },
  errorBody(_status, message) {
    return { error: message };
  },
  // A failure mid-stream arrives as one `{"error": …}` line.
  errorEvent(_type, message) {
    return `${JSON.stringify({ error: message })}\n`;
  },
};
