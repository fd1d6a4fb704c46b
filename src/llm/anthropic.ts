import Anthropic from '@anthropic-ai/sdk';
import type {
  MessageParam,
  RawMessageStreamEvent,
  TextBlockParam,
  Tool,
  ContentBlockParam,
} from '@anthropic-ai/sdk/resources/messages/messages';
import type { Provider, StopReason, TurnEvent, TurnRequest, Usage } from './types.js';
import { LlmError, toLlmError } from './errors.js';
import type { ProviderOptions } from './provider-options.js';
import { toolCall } from './tool-args.js';

const ephemeral = { type: 'ephemeral' as const };

/** System blocks with the cache breakpoint on the last segment of the shared prefix. */
function systemBlocks(request: TurnRequest): TextBlockParam[] {
  const lastCached = request.system.map((s) => s.cache === true).lastIndexOf(true);
  return request.system.map((s, i) => ({
    type: 'text',
    text: s.text,
    ...(i === lastCached ? { cache_control: ephemeral } : {}),
  }));
}

/** Tools come before the system prompt in Anthropic's cache order: mark the last one too. */
function tools(request: TurnRequest): Tool[] | undefined {
  if (!request.tools?.length) return undefined;
  const cache = request.system.some((s) => s.cache === true);
  return request.tools.map((t, i, all) => ({
    name: t.name,
    description: t.description,
    input_schema: t.parameters as Tool['input_schema'],
    ...(cache && i === all.length - 1 ? { cache_control: ephemeral } : {}),
  }));
}

/** Consecutive same-role messages merge: tool results travel as user content blocks. */
function toMessages(request: TurnRequest): MessageParam[] {
  const out: MessageParam[] = [];
  const push = (role: 'user' | 'assistant', blocks: ContentBlockParam[]) => {
    const last = out.at(-1);
    if (last && last.role === role && Array.isArray(last.content)) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of request.messages) {
    if (m.role === 'user') push('user', [{ type: 'text', text: m.content }]);
    else if (m.role === 'tool') {
      push('user', [
        {
          type: 'tool_result',
          tool_use_id: m.toolCallId,
          content: m.content,
          ...(m.isError ? { is_error: true } : {}),
        },
      ]);
    } else {
      const blocks: ContentBlockParam[] = m.content ? [{ type: 'text', text: m.content }] : [];
      for (const c of m.toolCalls ?? []) {
        const input =
          c.arguments && typeof c.arguments === 'object' ? (c.arguments as Record<string, unknown>) : {};
        blocks.push({ type: 'tool_use', id: c.id, name: c.name, input });
      }
      push('assistant', blocks);
    }
  }
  return out;
}

const stopReasons: Record<string, StopReason> = {
  end_turn: 'end_turn',
  tool_use: 'tool_use',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
};

/** Anthropic Messages API, streamed, with prompt-cache breakpoints. */
export function createAnthropicProvider(options: ProviderOptions): Provider {
  // Retries belong to the shared limiter so that back-off is global (see limiter.ts).
  const client = new Anthropic({
    apiKey: options.apiKey ?? null,
    authToken: null,
    baseURL: options.baseURL ?? null,
    maxRetries: 0,
    logLevel: 'off',
  });
  return {
    name: 'anthropic',
    async *stream(request: TurnRequest): AsyncIterable<TurnEvent> {
      const state = { started: false, signal: request.signal };
      const usage: Usage = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0 };
      const toolBlocks = new Map<number, { id: string; name: string; json: string }>();
      let stop: string | null = null;
      let finished = false;
      try {
        const toolList = tools(request);
        const { data, response } = await client.messages
          .create(
            {
              model: request.model,
              max_tokens: request.maxOutputTokens ?? options.defaultMaxOutputTokens ?? 8192,
              system: systemBlocks(request),
              messages: toMessages(request),
              stream: true,
              ...(toolList ? { tools: toolList } : {}),
              ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            },
            { signal: request.signal },
          )
          .withResponse();
        options.onHeaders?.(response.headers);
        state.started = true;
        for await (const event of data as AsyncIterable<RawMessageStreamEvent>) {
          if (event.type === 'message_start') {
            const u = event.message.usage;
            usage.inputTokens = u.input_tokens ?? 0;
            usage.cachedInputTokens = u.cache_read_input_tokens ?? 0;
            usage.cacheWriteTokens = u.cache_creation_input_tokens ?? 0;
            usage.outputTokens = u.output_tokens ?? 0;
          } else if (event.type === 'content_block_start') {
            if (event.content_block.type === 'tool_use') {
              toolBlocks.set(event.index, {
                id: event.content_block.id,
                name: event.content_block.name,
                json: '',
              });
            }
          } else if (event.type === 'content_block_delta') {
            if (event.delta.type === 'text_delta') yield { type: 'text', delta: event.delta.text };
            else if (event.delta.type === 'input_json_delta') {
              const block = toolBlocks.get(event.index);
              if (block) block.json += event.delta.partial_json;
            }
          } else if (event.type === 'content_block_stop') {
            const block = toolBlocks.get(event.index);
            if (block) yield { type: 'tool_call', call: toolCall(block.id, block.name, block.json) };
          } else if (event.type === 'message_delta') {
            stop = event.delta.stop_reason ?? stop;
            usage.outputTokens = event.usage.output_tokens ?? usage.outputTokens;
            // Newer API versions repeat the input counts here; the last word wins.
            if (typeof event.usage.input_tokens === 'number') usage.inputTokens = event.usage.input_tokens;
            if (typeof event.usage.cache_read_input_tokens === 'number') {
              usage.cachedInputTokens = event.usage.cache_read_input_tokens;
            }
            if (typeof event.usage.cache_creation_input_tokens === 'number') {
              usage.cacheWriteTokens = event.usage.cache_creation_input_tokens;
            }
          } else if (event.type === 'message_stop') finished = true;
        }
      } catch (error) {
        throw toLlmError('anthropic', error, state, options.redact);
      }
      if (!finished)
        throw new LlmError('anthropic', 'stream', 'the anthropic stream ended before message_stop');
      yield { type: 'done', stopReason: stopReasons[stop ?? ''] ?? 'other', usage };
    },
  };
}
