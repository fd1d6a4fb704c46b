import { randomUUID } from 'node:crypto';
import type { StopReason } from '../types.js';
import type { RequestView } from './request-view.js';
import { tokens, type ResolvedReply, type Wire } from './wire.js';

/**
 * The Gemini API (`generativelanguage.googleapis.com/v1beta`), as `@google/genai` and Gemini CLI
 * call it: `POST /v1beta/models/<model>:generateContent` (one JSON body),
 * `:streamGenerateContent?alt=sse` (SSE `data:` records, each a whole GenerateContentResponse,
 * usage in the last, no end marker) and `:countTokens`. Request and response shapes:
 * https://ai.google.dev/api/generate-content and https://ai.google.dev/api/caching#Content
 */

export type GeminiMethod = 'generateContent' | 'streamGenerateContent' | 'countTokens';

/** `/v1beta/models/gemini-2.5-pro:streamGenerateContent` -> the model and the method; null for other paths. */
export function parseGeminiPath(path: string): { model: string; method: GeminiMethod } | null {
  const match =
    /^\/(?:v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/.exec(
      path,
    );
  if (!match) return null;
  return { model: decodeURIComponent(match[1] ?? ''), method: match[2] as GeminiMethod };
}

type Json = Record<string, unknown>;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asObject = (value: unknown): Json =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

// The fields GenerateContentRequest has; the real API refuses any other with 400.
const requestFields = new Set([
  'model',
  'contents',
  'systemInstruction',
  'system_instruction',
  'tools',
  'toolConfig',
  'tool_config',
  'safetySettings',
  'safety_settings',
  'generationConfig',
  'generation_config',
  'cachedContent',
  'cached_content',
  'labels',
]);
const partFields = new Set([
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
  'thought',
  'thoughtSignature',
  'videoMetadata',
  'partMetadata',
]);

/**
 * The rules the real API enforces that a client can break; the message is the API's own wording.
 * null when the request is valid.
 */
export function geminiRequestError(body: Json, method: GeminiMethod): string | null {
  for (const key of Object.keys(body)) {
    if (method !== 'countTokens' && !requestFields.has(key))
      return `Invalid JSON payload received. Unknown name "${key}": Cannot find field.`;
  }
  const contents = asArray(body.contents);
  if (method !== 'countTokens' && contents.length === 0)
    return '* GenerateContentRequest.contents: contents is not specified';
  let pendingCalls = 0;
  for (const [index, raw] of contents.entries()) {
    const content = asObject(raw);
    const role = str(content.role) || 'user';
    if (role !== 'user' && role !== 'model')
      return `Please use a valid role: user, model. (contents[${index}].role is "${role}")`;
    const parts = asArray(content.parts).map(asObject);
    if (parts.length === 0)
      return `* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.`;
    for (const part of parts) {
      const unknown = Object.keys(part).find((key) => !partFields.has(key));
      if (unknown !== undefined)
        return `Invalid JSON payload received. Unknown name "${unknown}" at 'contents[${index}].parts': Cannot find field.`;
      if (part.functionResponse !== undefined && str(asObject(part.functionResponse).name) === '')
        return `* GenerateContentRequest.contents[${index}].parts.function_response.name: Name cannot be empty.`;
    }
    const calls = parts.filter((p) => p.functionCall !== undefined).length;
    const responses = parts.filter((p) => p.functionResponse !== undefined).length;
    if (pendingCalls > 0 && responses !== pendingCalls) {
      return 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.';
    }
    pendingCalls = role === 'model' ? calls : 0;
  }
  return null;
}

function partsText(parts: unknown): string {
  return asArray(parts)
    .map((p) => str(asObject(p).text))
    .join('');
}

export function viewGemini(
  body: Json,
  headers: Record<string, string>,
  route: { model: string; stream: boolean },
): RequestView {
  const messages: RequestView['messages'] = [];
  for (const raw of asArray(body.contents)) {
    const content = asObject(raw);
    const parts = asArray(content.parts).map(asObject);
    if (content.role === 'model') {
      messages.push({ role: 'assistant', text: partsText(parts) });
      continue;
    }
    for (const part of parts) {
      if (part.functionResponse === undefined) continue;
      const response = asObject(part.functionResponse);
      messages.push({
        role: 'tool',
        text: JSON.stringify(response.response ?? {}),
        toolName: str(response.name),
      });
    }
    const text = partsText(parts);
    if (text !== '') messages.push({ role: 'user', text });
  }
  const system = body.systemInstruction ?? body.system_instruction;
  const tools = asArray(body.tools).flatMap((t) =>
    asArray(asObject(t).functionDeclarations ?? asObject(t).function_declarations).map((d) =>
      str(asObject(d).name),
    ),
  );
  return {
    provider: 'gemini',
    model: route.model,
    stream: route.stream,
    system: typeof system === 'string' ? system : partsText(asObject(system).parts),
    messages,
    tools,
    // Implicit caching is not simulated: the fake reports no cached tokens for Gemini.
    cachePrefix: null,
    cacheMode: 'exact',
    prompt: JSON.stringify([body.tools ?? null, system ?? null, body.contents]),
    headers,
    wantsUsage: true,
  };
}

const finishReason = (stop: StopReason): string => (stop === 'max_tokens' ? 'MAX_TOKENS' : 'STOP');

function usageMetadata(reply: ResolvedReply): Json {
  const prompt = reply.usage.inputTokens + reply.usage.cachedInputTokens + reply.usage.cacheWriteTokens;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: reply.usage.outputTokens,
    totalTokenCount: prompt + reply.usage.outputTokens,
    ...(reply.usage.cachedInputTokens > 0 && { cachedContentTokenCount: reply.usage.cachedInputTokens }),
  };
}

function functionCallParts(reply: ResolvedReply): Json[] {
  return reply.toolCalls.map((call) => {
    let args: unknown = {};
    try {
      args = JSON.parse(call.raw);
    } catch {
      // The API always sends an object; malformed arguments cannot be expressed here.
    }
    return { functionCall: { name: call.name, args } };
  });
}

function response(reply: ResolvedReply, parts: Json[], last: boolean, id: string): Json {
  return {
    candidates: [
      {
        content: { parts, role: 'model' },
        ...(last && { finishReason: finishReason(reply.stopReason) }),
        index: 0,
      },
    ],
    // Every streamed record carries usage so far; the last has the totals.
    usageMetadata: last ? usageMetadata(reply) : { promptTokenCount: usageMetadata(reply).promptTokenCount },
    modelVersion: reply.model,
    responseId: id,
  };
}

/** Gemini generateContent / streamGenerateContent?alt=sse. */
export const geminiWire: Wire = {
  contentType: 'text/event-stream',
  garbage: 'data: {"candidates": [{"content": {"parts": [{"text": \r\n\r\n',
  chunks(reply) {
    const id = `fake-gemini-${randomUUID()}`;
    const words = tokens(reply.text);
    // Text arrives a few words per record, like the real stream; calls come whole, in the last.
    const groups: Json[][] = [];
    for (let i = 0; i < words.length; i += 4) groups.push([{ text: words.slice(i, i + 4).join('') }]);
    const calls = functionCallParts(reply);
    if (calls.length > 0) groups.push(calls);
    if (groups.length === 0) groups.push([{ text: '' }]);
    return groups.map(
      (parts, i) => `data: ${JSON.stringify(response(reply, parts, i === groups.length - 1, id))}\r\n\r\n`,
    );
  },
  body(reply) {
    const parts: Json[] = reply.text ? [{ text: reply.text }] : [];
    parts.push(...functionCallParts(reply));
    return response(reply, parts.length > 0 ? parts : [{ text: '' }], true, `fake-gemini-${randomUUID()}`);
  },
  errorBody(status, message) {
    const codes: Record<number, string> = {
      400: 'INVALID_ARGUMENT',
      401: 'UNAUTHENTICATED',
      403: 'PERMISSION_DENIED',
      404: 'NOT_FOUND',
      429: 'RESOURCE_EXHAUSTED',
      500: 'INTERNAL',
      503: 'UNAVAILABLE',
    };
    return {
      error: {
        code: status,
        message,
        status: codes[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT'),
      },
    };
  },
};

/**
 * What the real API answers before any model runs: no key (403, as for an unregistered caller),
 * a request that breaks a documented rule (400), `countTokens` (answered at once). null: go on.
 */
export function geminiPreflight(
  route: { model: string; method: GeminiMethod },
  body: Json,
  headers: Record<string, string>,
  query: URLSearchParams,
  strict = true,
): { status: number; message: string } | { json: unknown } | null {
  const key = headers['x-goog-api-key'] ?? query.get('key') ?? '';
  const bearer = /^Bearer \S+/.test(headers.authorization ?? '');
  if (key === '' && !bearer) {
    return {
      status: 403,
      message:
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    };
  }
  if (route.method === 'streamGenerateContent' && query.get('alt') !== 'sse') {
    return {
      status: 400,
      message: 'fake-llm: streamGenerateContent without alt=sse (a JSON array) is not simulated',
    };
  }
  const error = strict ? geminiRequestError(body, route.method) : null;
  if (error !== null) return { status: 400, message: error };
  if (route.method === 'countTokens') {
    return { json: { totalTokens: Math.ceil(JSON.stringify(body.contents ?? body).length / 4) } };
  }
  return null;
}
