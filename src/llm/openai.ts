import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { Message, Provider, StopReason, TurnEvent, TurnRequest } from './types.js';
import { LlmError, toLlmError } from './errors.js';
import type { ProviderOptions } from './provider-options.js';
import { systemText, toolCall } from './tool-args.js';

function toMessages(request: TurnRequest): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (request.system.length > 0) out.push({ role: 'system', content: systemText(request.system) });
  for (const m of request.messages as Message[]) {
    if (m.role === 'user') out.push({ role: 'user', content: m.content });
    else if (m.role === 'tool') out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.content });
    else {
      out.push({
        role: 'assistant',
        content: m.content || null,
        ...(m.toolCalls?.length
          ? {
              tool_calls: m.toolCalls.map((c) => ({
                id: c.id,
                type: 'function' as const,
                function: { name: c.name, arguments: c.rawArguments },
              })),
            }
          : {}),
      });
    }
  }
  return out;
}

const stopReasons: Record<string, StopReason> = {
  stop: 'end_turn',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  length: 'max_tokens',
};

/** OpenAI Chat Completions (and any compatible server through `baseURL`). */
export function createOpenAiProvider(options: ProviderOptions): Provider {
  // Retries belong to the shared limiter so that back-off is global (see limiter.ts).
  const client = new OpenAI({
    apiKey: options.apiKey ?? null,
    baseURL: options.baseURL ?? null,
    maxRetries: 0,
    logLevel: 'off',
  });
  return {
    name: 'openai',
    async *stream(request: TurnRequest): AsyncIterable<TurnEvent> {
      const state = { started: false, signal: request.signal };
      const params: ChatCompletionCreateParamsStreaming = {
        model: request.model,
        messages: toMessages(request),
        stream: true,
        stream_options: { include_usage: true },
        ...(request.tools?.length
          ? {
              tools: request.tools.map((t) => ({
                type: 'function' as const,
                function: { name: t.name, description: t.description, parameters: t.parameters },
              })),
            }
          : {}),
        ...(request.maxOutputTokens !== undefined ? { max_completion_tokens: request.maxOutputTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.cacheKey !== undefined ? { prompt_cache_key: request.cacheKey } : {}),
      };
      const calls = new Map<number, { id: string; name: string; args: string }>();
      let finish: string | null = null;
      let usage: ChatCompletionChunk['usage'] = null;
      try {
        const { data, response } = await client.chat.completions
          .create(params, { signal: request.signal })
          .withResponse();
        options.onHeaders?.(response.headers);
        state.started = true;
        for await (const chunk of data) {
          if (chunk.usage) usage = chunk.usage;
          const choice = chunk.choices[0];
          if (!choice) continue;
          if (choice.delta.content) yield { type: 'text', delta: choice.delta.content };
          for (const part of choice.delta.tool_calls ?? []) {
            const call = calls.get(part.index) ?? { id: '', name: '', args: '' };
            call.id ||= part.id ?? '';
            call.name ||= part.function?.name ?? '';
            call.args += part.function?.arguments ?? '';
            calls.set(part.index, call);
          }
          if (choice.finish_reason) finish = choice.finish_reason;
        }
      } catch (error) {
        throw toLlmError('openai', error, state, options.redact);
      }
      if (finish === null)
        throw new LlmError('openai', 'stream', 'the openai stream ended before the answer finished');
      for (const [, call] of [...calls].sort(([a], [b]) => a - b)) {
        yield { type: 'tool_call', call: toolCall(call.id, call.name, call.args) };
      }
      const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
      yield {
        type: 'done',
        stopReason: calls.size > 0 ? 'tool_use' : (stopReasons[finish] ?? 'other'),
        usage: {
          inputTokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
          cachedInputTokens: cached,
          cacheWriteTokens: 0,
          outputTokens: usage?.completion_tokens ?? 0,
        },
      };
    },
  };
}
