import type OpenAI from 'openai';
import type { ResponseStreamEvent, ResponseUsage } from 'openai/resources/responses/responses';
import { LlmError, toLlmError } from './errors.js';
import { responsesParams } from './openai-request.js';
import type { ProviderOptions } from './provider-options.js';
import { toolCall } from './tool-args.js';
import type { StopReason, TurnEvent, TurnRequest, Usage } from './types.js';

type Item = Record<string, unknown> & { type: string };

function usageOf(u: ResponseUsage | null | undefined): Usage {
  const cached = u?.input_tokens_details?.cached_tokens ?? 0;
  const written = u?.input_tokens_details?.cache_write_tokens ?? 0;
  return {
    // input_tokens counts cached reads and cache writes too; ours is the full-rate rest.
    inputTokens: Math.max(0, (u?.input_tokens ?? 0) - cached - written),
    cachedInputTokens: cached,
    cacheWriteTokens: written,
    outputTokens: u?.output_tokens ?? 0,
  };
}

/**
 * One turn on the Responses API, streamed: text and reasoning-summary deltas as they come, each
 * function call when its item is done, then `done` with usage (reasoning tokens are part of the
 * output tokens) and the output items to replay next turn.
 * Events: https://developers.openai.com/api/reference/resources/responses/streaming-events
 */
export async function* streamResponses(
  client: OpenAI,
  request: TurnRequest,
  options: ProviderOptions,
): AsyncIterable<TurnEvent> {
  const state = { started: false, signal: request.signal };
  const params = responsesParams(request, options.reasoningEffort);
  const items: Item[] = [];
  let usage: Usage | undefined;
  let reasoningTokens = 0;
  let status: string | undefined;
  let incomplete: string | undefined;
  let refused = false;
  try {
    const { data, response } = await client.responses
      .create(params, { signal: request.signal })
      .withResponse();
    options.onHeaders?.(response.headers);
    state.started = true;
    for await (const event of data as AsyncIterable<ResponseStreamEvent>) {
      switch (event.type) {
        case 'response.output_text.delta':
          yield { type: 'text', delta: event.delta };
          break;
        case 'response.refusal.delta':
          refused = true;
          yield { type: 'text', delta: event.delta };
          break;
        case 'response.reasoning_summary_text.delta':
        case 'response.reasoning_text.delta':
          yield { type: 'thinking', delta: event.delta };
          break;
        case 'response.output_item.done': {
          const item = event.item as unknown as Item;
          items.push(item);
          if (item.type === 'function_call') {
            yield {
              type: 'tool_call',
              call: toolCall(String(item.call_id), String(item.name), String(item.arguments ?? '')),
            };
          }
          break;
        }
        case 'response.completed':
        case 'response.incomplete':
          status = event.response.status ?? undefined;
          incomplete = event.response.incomplete_details?.reason ?? undefined;
          usage = usageOf(event.response.usage);
          reasoningTokens = event.response.usage?.output_tokens_details?.reasoning_tokens ?? 0;
          break;
        case 'response.failed':
          // The answer failed server-side after it began: classified by its code, like an error event.
          throw Object.assign(new Error(event.response.error?.message ?? 'the response failed'), {
            code: event.response.error?.code,
          });
        default:
          break;
      }
    }
  } catch (error) {
    throw toLlmError('openai', error, state, options.redact);
  }
  if (!usage) throw new LlmError('openai', 'stream', 'the openai stream ended before response.completed');
  const calls = items.some((i) => i.type === 'function_call');
  const stopReason: StopReason = calls
    ? 'tool_use'
    : status === 'incomplete'
      ? incomplete === 'content_filter'
        ? 'refusal'
        : 'max_tokens'
      : refused
        ? 'refusal'
        : 'end_turn';
  yield {
    type: 'done',
    stopReason,
    usage,
    ...(reasoningTokens > 0 ? { reasoningTokens } : {}),
    replay: { provider: 'openai', content: items.map(replayable) },
  };
}

/** An output item as input for the next turn: the same item, minus the read-only `status`. */
function replayable(item: Item): Item {
  const { status: _status, ...rest } = item;
  return rest as Item;
}
