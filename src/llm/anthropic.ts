import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import type { Provider, StopReason, TurnEvent, TurnRequest, Usage } from './types.js';
import { anthropicParams } from './anthropic-request.js';
import { LlmError, toLlmError } from './errors.js';
import type { ProviderOptions } from './provider-options.js';
import { toolCall } from './tool-args.js';
import { activityFetch } from './wire-activity.js';

/**
 * The API's stop reasons in ours. pause_turn: send the turn back as it is and the model goes on;
 * refusal and model_context_window_exceeded end the task with that reason.
 * https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons
 */
const stopReasons: Record<string, StopReason> = {
  end_turn: 'end_turn',
  tool_use: 'tool_use',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  pause_turn: 'pause_turn',
  refusal: 'refusal',
  model_context_window_exceeded: 'context_window',
};

type Block = Record<string, unknown> & { type: string; json?: string };

/** Anthropic Messages API, streamed, with prompt-cache breakpoints and thinking kept for replay. */
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
      // Every content block as it arrives, in order: the turn is sent back exactly like this.
      const blocks = new Map<number, Block>();
      let stop: string | null = null;
      let finished = false;
      const facts = {
        ...(options.defaultMaxOutputTokens ? { maxOutputTokens: options.defaultMaxOutputTokens } : {}),
        ...options.modelFacts?.(request.model),
      };
      const wire = request.onWireActivity
        ? client.withOptions({ fetch: activityFetch(request.onWireActivity) })
        : client;
      try {
        const { data, response } = await wire.messages
          .create(anthropicParams(request, facts, options.thinking), { signal: request.signal })
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
            const block: Block = { ...(event.content_block as unknown as Block) };
            if (block.type === 'tool_use') block.json = '';
            blocks.set(event.index, block);
          } else if (event.type === 'content_block_delta') {
            const block = blocks.get(event.index);
            const delta = event.delta;
            if (delta.type === 'text_delta') {
              if (block) block.text = String(block.text ?? '') + delta.text;
              yield { type: 'text', delta: delta.text };
            } else if (delta.type === 'thinking_delta') {
              if (block) block.thinking = String(block.thinking ?? '') + delta.thinking;
              yield { type: 'thinking', delta: delta.thinking };
            } else if (delta.type === 'signature_delta') {
              if (block) block.signature = String(block.signature ?? '') + delta.signature;
            } else if (delta.type === 'input_json_delta' && block) {
              block.json = (block.json ?? '') + delta.partial_json;
            }
          } else if (event.type === 'content_block_stop') {
            const block = blocks.get(event.index);
            if (block?.type === 'tool_use') {
              const call = toolCall(String(block.id), String(block.name), block.json ?? '');
              block.input = call.arguments && typeof call.arguments === 'object' ? call.arguments : {};
              delete block.json;
              yield { type: 'tool_call', call };
            }
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
      const content = [...blocks].sort(([a], [b]) => a - b).map(([, block]) => block);
      yield {
        type: 'done',
        stopReason: stopReasons[stop ?? ''] ?? 'other',
        usage,
        replay: { provider: 'anthropic', content },
      };
    },
  };
}
