import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Provider, StopReason, TurnEvent, TurnRequest } from './types.js';
import { LlmError, toLlmError } from './errors.js';
import { chatParams } from './openai-request.js';
import { streamResponses } from './openai-responses.js';
import type { ProviderOptions } from './provider-options.js';
import { toolCall } from './tool-args.js';
import { activityFetch } from './wire-activity.js';

const stopReasons: Record<string, StopReason> = {
  stop: 'end_turn',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  length: 'max_tokens',
  content_filter: 'refusal',
};

/**
 * OpenAI: the Responses API (`/v1/responses`) by default, Chat Completions for compatible servers
 * (`providers.openai.api`, default chat when a baseURL is set).
 */
export function createOpenAiProvider(options: ProviderOptions): Provider {
  // Retries belong to the shared limiter so that back-off is global (see limiter.ts).
  const client = new OpenAI({
    apiKey: options.apiKey ?? null,
    baseURL: options.baseURL ?? null,
    maxRetries: 0,
    logLevel: 'off',
  });
  const api = options.openaiApi ?? (options.baseURL === undefined ? 'responses' : 'chat');
  return {
    name: 'openai',
    stream(request: TurnRequest): AsyncIterable<TurnEvent> {
      const wire = request.onWireActivity
        ? client.withOptions({ fetch: activityFetch(request.onWireActivity) })
        : client;
      return api === 'responses'
        ? streamResponses(wire, request, options)
        : streamChat(wire, request, options);
    },
  };
}

async function* streamChat(
  client: OpenAI,
  request: TurnRequest,
  options: ProviderOptions,
): AsyncIterable<TurnEvent> {
  const state = { started: false, signal: request.signal };
  const params = chatParams(request, options.reasoningEffort);
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
}
