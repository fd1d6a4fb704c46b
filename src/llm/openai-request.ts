import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { ResponseCreateParamsStreaming, ResponseInputItem } from 'openai/resources/responses/responses';
import { effortFor, findModel, reasons, samplingAllowed, type ModelEntry } from './catalog.js';
import { LlmError } from './errors.js';
import type { Message, TurnRequest } from './types.js';
import { systemText } from './tool-args.js';

/** The effort a request runs at: config, else the catalog's default; null for non-reasoning models. */
function effortOf(entry: ModelEntry | undefined, configured: string | undefined): string | null {
  return entry ? effortFor(entry, configured) : null;
}

const cap = (entry: ModelEntry | undefined, wanted: number | undefined): number | undefined =>
  wanted === undefined ? undefined : entry ? Math.min(wanted, entry.maxOutputTokens) : wanted;

const blank = (text: string): boolean => text.trim() === '';

/**
 * A Responses API request (https://developers.openai.com/api/reference/resources/responses/methods/create),
 * stateless: `store: false`, and reasoning items come back with their encrypted content
 * (`include: ["reasoning.encrypted_content"]`) in the replayed assistant turns, so nothing needs
 * to be kept on OpenAI's side.
 */
export function responsesParams(
  request: TurnRequest,
  configuredEffort?: string,
): ResponseCreateParamsStreaming {
  const entry = findModel(request.model, 'openai');
  const effort = effortOf(entry, configuredEffort);
  const reasoningOn = entry !== undefined && reasons(entry, effort);
  const input: ResponseInputItem[] = [];
  for (const m of request.messages) input.push(...responsesItems(m));
  const maxTokens = cap(entry, request.maxOutputTokens);
  const temperatureOk = entry ? samplingAllowed(entry.temperature, reasoningOn) : true;
  return {
    model: request.model,
    ...(request.system.length > 0 ? { instructions: systemText(request.system) } : {}),
    input,
    stream: true,
    store: false,
    ...(entry?.reasoning && effort !== null ? { reasoning: { effort: effort as 'medium' } } : {}),
    ...(reasoningOn ? { include: ['reasoning.encrypted_content' as const] } : {}),
    ...(request.tools?.length
      ? {
          tools: request.tools.map((t) => ({
            type: 'function' as const,
            name: t.name,
            description: t.description,
            parameters: t.parameters,
            strict: false,
          })),
        }
      : {}),
    ...(maxTokens !== undefined ? { max_output_tokens: maxTokens } : {}),
    ...(request.temperature !== undefined && temperatureOk ? { temperature: request.temperature } : {}),
    ...(request.cacheKey !== undefined ? { prompt_cache_key: request.cacheKey } : {}),
  };
}

function responsesItems(m: Message): ResponseInputItem[] {
  if (m.role === 'user') return [{ role: 'user', content: m.content }];
  if (m.role === 'tool') return [{ type: 'function_call_output', call_id: m.toolCallId, output: m.content }];
  // An OpenAI turn goes back exactly as it came: reasoning items (encrypted), message, calls.
  if (m.replay?.provider === 'openai') return m.replay.content as ResponseInputItem[];
  const items: ResponseInputItem[] = [];
  if (!blank(m.content)) items.push({ role: 'assistant', content: m.content });
  for (const c of m.toolCalls ?? []) {
    items.push({ type: 'function_call', call_id: c.id, name: c.name, arguments: c.rawArguments });
  }
  return items;
}

/**
 * A Chat Completions request, for servers that speak only that API. Assistant turns with neither
 * text nor tool calls are left out (the API refuses `content: null` and empty content); a
 * reasoning model gets tools only with `reasoning_effort: "none"`, which the API requires there.
 */
export function chatParams(
  request: TurnRequest,
  configuredEffort?: string,
): ChatCompletionCreateParamsStreaming {
  const entry = findModel(request.model, 'openai');
  const hasTools = (request.tools?.length ?? 0) > 0;
  let effort = effortOf(entry, configuredEffort);
  if (entry?.reasoning && hasTools && reasons(entry, effort)) {
    if (!entry.reasoning.canDisable) {
      throw new LlmError(
        'openai',
        'request',
        `${entry.id} cannot use tools on Chat Completions (the API refuses tools while it reasons and it cannot stop reasoning); set providers.openai.api to "responses"`,
      );
    }
    effort = 'none';
  }
  const reasoningOn = entry !== undefined && reasons(entry, effort);
  const maxTokens = cap(entry, request.maxOutputTokens);
  const temperatureOk = entry ? samplingAllowed(entry.temperature, reasoningOn) : true;
  return {
    model: request.model,
    messages: chatMessages(request),
    stream: true,
    stream_options: { include_usage: true },
    ...(entry?.reasoning && effort !== null ? { reasoning_effort: effort as 'medium' } : {}),
    ...(hasTools
      ? {
          tools: request.tools!.map((t) => ({
            type: 'function' as const,
            function: { name: t.name, description: t.description, parameters: t.parameters },
          })),
        }
      : {}),
    ...(maxTokens !== undefined ? { max_completion_tokens: maxTokens } : {}),
    ...(request.temperature !== undefined && temperatureOk ? { temperature: request.temperature } : {}),
    ...(request.cacheKey !== undefined ? { prompt_cache_key: request.cacheKey } : {}),
  };
}

function chatMessages(request: TurnRequest): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (request.system.length > 0) out.push({ role: 'system', content: systemText(request.system) });
  for (const m of request.messages) {
    if (m.role === 'user') out.push({ role: 'user', content: m.content });
    else if (m.role === 'tool') out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.content });
    else {
      const calls = m.toolCalls ?? [];
      if (calls.length === 0 && blank(m.content)) continue;
      out.push({
        role: 'assistant',
        ...(blank(m.content) ? {} : { content: m.content }),
        ...(calls.length > 0
          ? {
              tool_calls: calls.map((c) => ({
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
