import { effortFor, findModel, reasons, samplingAllowed, type ModelEntry } from '../catalog.js';
import { estimateTokens } from './wire.js';

/**
 * What the real OpenAI API refuses, checked by the strict fake server before it answers. Each
 * refusal carries the real status and the real body shape `{error: {message, type, param, code}}`;
 * the messages are the API's own wording where it is documented (quoted beside each rule).
 */
export interface Refusal {
  status: number;
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

type Json = Record<string, unknown>;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asObject = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

export const refusalBody = (r: Refusal) => ({
  error: { message: r.message, type: r.type, param: r.param, code: r.code },
});

const invalid = (message: string, param: string | null, code: string | null = null): Refusal => ({
  status: 400,
  message,
  type: 'invalid_request_error',
  param,
  code,
});

// Top-level parameters of each API (openai-node 7.57 ChatCompletionCreateParamsBase and
// ResponseCreateParamsBase); anything else is refused like the API refuses it.
const CHAT_PARAMS = new Set(
  'messages model audio frequency_penalty function_call functions logit_bias logprobs max_completion_tokens max_tokens metadata modalities moderation n parallel_tool_calls prediction presence_penalty prompt_cache_key prompt_cache_options prompt_cache_retention reasoning_effort response_format safety_identifier seed service_tier stop store stream stream_options temperature tool_choice tools top_logprobs top_p user verbosity web_search_options'.split(
    ' ',
  ),
);
// `client_metadata` is sent by OpenAI's own codex CLI (codex-rs/codex-api/src/common.rs).
const RESPONSES_PARAMS = new Set(
  'access_programs background client_metadata context_management conversation image include input instructions max_output_tokens max_tool_calls metadata model moderation parallel_tool_calls previous_response_id prompt prompt_cache_key prompt_cache_options prompt_cache_retention reasoning safety_identifier service_tier store stream stream_options temperature text tool_choice tools top_logprobs top_p truncation user'.split(
    ' ',
  ),
);

function unknownParam(body: Json, known: Set<string>, chat: boolean): Refusal | null {
  const extra = Object.keys(body).find((key) => !known.has(key));
  if (extra === undefined) return null;
  return chat
    ? invalid(`Unrecognized request argument supplied: ${extra}`, null)
    : invalid(`Unknown parameter: '${extra}'.`, extra, 'unknown_parameter');
}

/** Effort sent (or the model's default), refusing a value the model does not take. */
function checkEffort(entry: ModelEntry, sent: unknown, param: string): Refusal | string | null {
  const reasoning = entry.reasoning;
  if (sent === undefined) return effortFor(entry, undefined);
  const allowed = reasoning ? [...(reasoning.canDisable ? ['none'] : []), ...reasoning.efforts] : [];
  if (typeof sent !== 'string' || !allowed.includes(sent)) {
    // "The API rejects requests that set reasoning effort to none." (models/gpt-6.2-sol)
    return invalid(
      `Unsupported value: '${param}' does not support '${String(sent)}' with this model. Supported values are: ${allowed.map((a) => `'${a}'`).join(', ')}.`,
      param,
      'unsupported_value',
    );
  }
  return sent;
}

function checkSampling(entry: ModelEntry, body: Json, reasoningOn: boolean): Refusal | null {
  for (const [param, rule] of [
    ['temperature', entry.temperature],
    ['top_p', entry.topP],
  ] as const) {
    if (body[param] !== undefined && !samplingAllowed(rule, reasoningOn)) {
      return invalid(
        `Unsupported parameter: '${param}' is not supported with this model.`,
        param,
        'unsupported_parameter',
      );
    }
  }
  return null;
}

function checkLimits(entry: ModelEntry, maxTokens: unknown, param: string, prompt: unknown): Refusal | null {
  if (typeof maxTokens === 'number' && maxTokens > entry.maxOutputTokens) {
    return invalid(
      `max_tokens is too large: ${maxTokens}. This model supports at most ${entry.maxOutputTokens} completion tokens, whereas you provided ${maxTokens}.`,
      param,
      'invalid_value',
    );
  }
  const limit = entry.maxInputTokens ?? entry.contextWindow;
  const used = estimateTokens(JSON.stringify(prompt));
  if (used > limit) {
    return invalid(
      `Your input exceeds the context window of this model (${used} tokens; the model takes at most ${limit}). Please adjust your input and try again.`,
      'input',
      'context_length_exceeded',
    );
  }
  return null;
}

const blank = (content: unknown): boolean =>
  content === null ||
  content === undefined ||
  (typeof content === 'string' && content.trim() === '') ||
  (Array.isArray(content) && content.every((p) => String(asObject(p).text ?? '').trim() === ''));

/** Chat Completions (`POST /v1/chat/completions`). */
export function checkChat(body: Json): Refusal | null {
  const unknown = unknownParam(body, CHAT_PARAMS, true);
  if (unknown) return unknown;
  const messages = asArray(body.messages).map(asObject);
  const open = new Set<string>();
  for (const [i, m] of messages.entries()) {
    const calls = asArray(m.tool_calls).map((c) => String(asObject(c).id ?? ''));
    if (m.role !== 'tool' && open.size > 0) {
      // The API's own wording (typo included).
      return invalid(
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`,
        `messages.[${i}].role`,
      );
    }
    if (m.role === 'assistant') {
      if (calls.length === 0 && blank(m.content)) {
        return m.content === null || m.content === undefined
          ? invalid(`Invalid value for 'content': expected a string, got null.`, `messages.[${i}].content`)
          : invalid(`Invalid 'messages[${i}].content': empty assistant content.`, `messages.[${i}].content`);
      }
      for (const id of calls) open.add(id);
    } else if (m.role === 'tool') {
      const id = String(m.tool_call_id ?? '');
      if (!open.delete(id)) {
        return invalid(
          `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.`,
          `messages.[${i}].role`,
        );
      }
    }
  }
  if (open.size > 0) {
    return invalid(
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`,
      `messages.[${messages.length - 1}].role`,
    );
  }
  const entry = findModel(String(body.model ?? ''), 'openai');
  if (!entry) return null;
  const effort = checkEffort(entry, body.reasoning_effort, 'reasoning_effort');
  if (effort !== null && typeof effort === 'object') return effort;
  const reasoningOn = reasons(entry, effort);
  if (reasoningOn && asArray(body.tools).length > 0) {
    // github.com/GEMISIS/leviath/issues/333 quotes the API's 400 for gpt-5.6 and later.
    return invalid(
      `Function tools with reasoning_effort are not supported for ${entry.id} in /v1/chat/completions. To use function tools, use /v1/responses or set reasoning_effort to 'none'.`,
      'reasoning_effort',
    );
  }
  if (reasoningOn && body.max_tokens !== undefined) {
    return invalid(
      `Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.`,
      'max_tokens',
      'unsupported_parameter',
    );
  }
  return (
    checkSampling(entry, body, reasoningOn) ??
    checkLimits(entry, body.max_completion_tokens ?? body.max_tokens, 'max_tokens', [body.tools, messages])
  );
}

/** Responses (`POST /v1/responses`): parameters and limits; the item ledger checks the input. */
export function checkResponses(body: Json): Refusal | null {
  const unknown = unknownParam(body, RESPONSES_PARAMS, false);
  if (unknown) return unknown;
  const entry = findModel(String(body.model ?? ''), 'openai');
  if (!entry) return null;
  const effort = checkEffort(entry, asObject(body.reasoning).effort, 'reasoning.effort');
  if (effort !== null && typeof effort === 'object') return effort;
  return (
    checkSampling(entry, body, reasons(entry, effort)) ??
    checkLimits(entry, body.max_output_tokens, 'max_output_tokens', [
      body.tools,
      body.instructions,
      body.input,
    ])
  );
}

/** Whether a Responses request to this model reasons (the fake then emits a reasoning item). */
export function responsesReasons(body: Json): boolean {
  const entry = findModel(String(body.model ?? ''), 'openai');
  if (!entry) return false;
  const sent = asObject(body.reasoning).effort;
  return reasons(entry, typeof sent === 'string' ? sent : effortFor(entry, undefined));
}
