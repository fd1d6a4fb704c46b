import type { RequestView } from './request-view.js';

type Json = Record<string, unknown>;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asObject = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Text of a Responses content field: a string or parts with `text` (input_text, output_text). */
function partsText(content: unknown): string {
  if (typeof content === 'string') return content;
  return asArray(content)
    .map((part) => str(asObject(part).text) || str(asObject(part).refusal))
    .join('');
}

/**
 * A Responses API request (`POST /v1/responses`) reduced to what rules match on: `instructions`
 * and system/developer messages form the system prompt; function_call_output items are tool
 * results named after their function_call. Caching is automatic per `prompt_cache_key`.
 */
export function viewOpenAiResponses(body: Json, headers: Record<string, string>): RequestView {
  const messages: RequestView['messages'] = [];
  const system: string[] = typeof body.instructions === 'string' ? [body.instructions] : [];
  const toolNames = new Map<string, string>();
  const input =
    typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : asArray(body.input);
  for (const raw of input) {
    const item = asObject(raw);
    const type = str(item.type) || 'message';
    const role = str(item.role);
    if (type === 'message') {
      if (role === 'system' || role === 'developer') system.push(partsText(item.content));
      else if (role === 'user') messages.push({ role: 'user', text: partsText(item.content) });
      else if (role === 'assistant') messages.push({ role: 'assistant', text: partsText(item.content) });
    } else if (type === 'function_call' || type === 'custom_tool_call') {
      toolNames.set(str(item.call_id), str(item.name));
      // Consecutive calls belong to one assistant turn, as in the other APIs.
      if (messages.at(-1)?.role !== 'assistant') messages.push({ role: 'assistant', text: '' });
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      const toolName = toolNames.get(str(item.call_id));
      const output = typeof item.output === 'string' ? item.output : partsText(item.output);
      messages.push({ role: 'tool', text: output, ...(toolName ? { toolName } : {}) });
    }
  }
  const tools = asArray(body.tools).map((t) => str(asObject(t).name));
  const promptParts = [body.tools ?? null, body.instructions ?? null, input];
  return {
    provider: 'openai',
    model: str(body.model),
    stream: body.stream === true,
    system: system.join('\n'),
    messages,
    tools,
    cachePrefix: JSON.stringify([body.prompt_cache_key ?? null, ...promptParts]),
    cacheMode: 'longest',
    prompt: JSON.stringify(promptParts),
    headers,
    wantsUsage: true,
  };
}
