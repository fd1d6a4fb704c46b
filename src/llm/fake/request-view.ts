import type { ProviderName } from '../types.js';
import type { FakeMatch, FakeRule, TextMatch } from './scenario.js';

/** The APIs the fake server speaks: the providers', and Gemini's (for Gemini CLI as an agent). */
export type FakeProvider = ProviderName | 'gemini';

/** One provider's request body reduced to what rules match on and what the cache simulation needs. */
export interface RequestView {
  provider: FakeProvider;
  model: string;
  stream: boolean;
  system: string;
  messages: { role: 'user' | 'assistant' | 'tool'; text: string; toolName?: string }[];
  tools: string[];
  /**
   * Serialized cacheable prefix, or null when the request marks none. `exact`: a hit needs the
   * same prefix (Anthropic breakpoints); `longest`: the longest prefix shared with an earlier
   * prompt counts, in 128-token steps (OpenAI's automatic caching).
   */
  cachePrefix: string | null;
  /** Anthropic: the prefix ending at each `cache_control` mark, in order (the last is cachePrefix). */
  cachePrefixes?: string[];
  cacheMode: 'exact' | 'longest';
  /** Serialized whole prompt, for token estimates. */
  prompt: string;
  headers: Record<string, string>;
  wantsUsage: boolean;
}

type Json = Record<string, unknown>;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asObject = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Text of a content field that is a string or an array of `{type:'text', text}` blocks. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return asArray(content)
    .map((block) => {
      const b = asObject(block);
      return typeof b.text === 'string'
        ? b.text
        : typeof b.content !== 'undefined'
          ? contentText(b.content)
          : '';
    })
    .join('');
}

export function viewOpenAi(body: Json, headers: Record<string, string>): RequestView {
  const messages: RequestView['messages'] = [];
  const system: string[] = [];
  const toolNames = new Map<string, string>();
  for (const raw of asArray(body.messages)) {
    const m = asObject(raw);
    const role = str(m.role);
    if (role === 'system' || role === 'developer') system.push(contentText(m.content));
    else if (role === 'user') messages.push({ role: 'user', text: contentText(m.content) });
    else if (role === 'assistant') {
      for (const call of asArray(m.tool_calls)) {
        const c = asObject(call);
        toolNames.set(str(c.id), str(asObject(c.function).name));
      }
      messages.push({ role: 'assistant', text: contentText(m.content) });
    } else if (role === 'tool') {
      const toolName = toolNames.get(str(m.tool_call_id));
      messages.push({ role: 'tool', text: contentText(m.content), ...(toolName ? { toolName } : {}) });
    }
  }
  const tools = asArray(body.tools).map((t) => str(asObject(asObject(t).function).name));
  return {
    provider: 'openai',
    model: str(body.model),
    stream: body.stream === true,
    system: system.join('\n'),
    messages,
    tools,
    // OpenAI caches automatically, per cache key, whatever prefix repeats.
    cachePrefix: JSON.stringify([body.prompt_cache_key ?? null, body.tools ?? null, body.messages]),
    cacheMode: 'longest',
    prompt: JSON.stringify([body.tools ?? null, body.messages]),
    headers,
    wantsUsage: asObject(body.stream_options).include_usage === true || body.stream !== true,
  };
}

export function viewAnthropic(body: Json, headers: Record<string, string>): RequestView {
  const messages: RequestView['messages'] = [];
  const toolNames = new Map<string, string>();
  const system = [typeof body.system === 'string' ? body.system : contentText(body.system)];
  for (const raw of asArray(body.messages)) {
    const m = asObject(raw);
    const role = str(m.role);
    // Claude Code sends `role: "system"` messages mid-conversation (`?beta=true`): not the user's turn.
    if (role === 'system') {
      system.push(contentText(m.content));
      continue;
    }
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : asArray(m.content);
    const texts: string[] = [];
    for (const block of blocks.map(asObject)) {
      if (block.type === 'tool_use') toolNames.set(str(block.id), str(block.name));
      if (block.type === 'tool_result') {
        const toolName = toolNames.get(str(block.tool_use_id));
        messages.push({ role: 'tool', text: contentText(block.content), ...(toolName ? { toolName } : {}) });
      } else if (block.type === 'text') texts.push(str(block.text));
    }
    if (texts.length > 0 || role === 'assistant') {
      messages.push({ role: role === 'assistant' ? 'assistant' : 'user', text: texts.join('') });
    }
  }
  // The cacheable prefix runs in API order (tools, system, messages) up to the last cache_control.
  const parts: unknown[] = [];
  const marks: number[] = [];
  const visit = (item: unknown) => {
    const o = asObject(item);
    parts.push({ ...o, cache_control: undefined });
    if (o.cache_control) marks.push(parts.length - 1);
  };
  asArray(body.tools).forEach(visit);
  if (typeof body.system === 'string') parts.push(body.system);
  else asArray(body.system).forEach(visit);
  for (const m of asArray(body.messages)) asArray(asObject(m).content).forEach(visit);
  const cachePrefixes = marks.map((mark) => JSON.stringify(parts.slice(0, mark + 1)));
  return {
    provider: 'anthropic',
    model: str(body.model),
    stream: body.stream === true,
    system: system.filter((s) => s !== '').join('\n'),
    messages,
    tools: asArray(body.tools).map((t) => str(asObject(t).name)),
    cachePrefix: cachePrefixes.at(-1) ?? null,
    cachePrefixes,
    cacheMode: 'exact',
    prompt: JSON.stringify([body.tools ?? null, body.system ?? null, body.messages]),
    headers,
    wantsUsage: true,
  };
}

export function viewOllama(body: Json, headers: Record<string, string>): RequestView {
  const messages: RequestView['messages'] = [];
  const system: string[] = [];
  for (const raw of asArray(body.messages)) {
    const m = asObject(raw);
    const role = str(m.role);
    if (role === 'system') system.push(str(m.content));
    else if (role === 'user' || role === 'assistant') messages.push({ role, text: str(m.content) });
    else if (role === 'tool') {
      const toolName = str(m.tool_name) || str(m.name);
      messages.push({ role: 'tool', text: str(m.content), ...(toolName ? { toolName } : {}) });
    }
  }
  return {
    provider: 'ollama',
    model: str(body.model),
    stream: body.stream !== false,
    system: system.join('\n'),
    messages,
    tools: asArray(body.tools).map((t) => str(asObject(asObject(t).function).name)),
    cachePrefix: null,
    cacheMode: 'exact',
    prompt: JSON.stringify([body.tools ?? null, body.messages]),
    headers,
    wantsUsage: true,
  };
}

export function textMatches(matcher: TextMatch, text: string): boolean {
  if (typeof matcher === 'string') return text.includes(matcher);
  if (matcher instanceof RegExp) return new RegExp(matcher.source, matcher.flags.replace('g', '')).test(text);
  return new RegExp(matcher.regex, matcher.flags).test(text);
}

/** Every condition present must hold. */
export function ruleMatches(match: FakeMatch | undefined, view: RequestView): boolean {
  if (!match) return true;
  const lastAssistant = view.messages.map((m) => m.role).lastIndexOf('assistant');
  const trailingResults = view.messages.slice(lastAssistant + 1).filter((m) => m.role === 'tool');
  const users = view.messages.filter((m) => m.role === 'user');
  const checks: (() => boolean)[] = [
    () => match.provider === undefined || match.provider === view.provider,
    () => match.model === undefined || textMatches(match.model, view.model),
    () => match.system === undefined || textMatches(match.system, view.system),
    () => match.lastUser === undefined || textMatches(match.lastUser, users.at(-1)?.text ?? ''),
    () => match.last === undefined || textMatches(match.last, view.messages.at(-1)?.text ?? ''),
    () => match.anyMessage === undefined || view.messages.some((m) => textMatches(match.anyMessage!, m.text)),
    () =>
      match.toolResult === undefined ||
      trailingResults.some(
        (m) =>
          (match.toolResult!.name === undefined || m.toolName === match.toolResult!.name) &&
          (match.toolResult!.content === undefined || textMatches(match.toolResult!.content, m.text)),
      ),
    () => match.hasTool === undefined || view.tools.includes(match.hasTool),
    () =>
      match.turn === undefined || view.messages.filter((m) => m.role === 'assistant').length === match.turn,
    () =>
      match.header === undefined ||
      textMatches(match.header.value, view.headers[match.header.name.toLowerCase()] ?? ''),
  ];
  return checks.every((check) => check());
}

/** The first rule that matches and is not used up; counts its use. */
export function pickRule(rules: FakeRule[], used: number[], view: RequestView): number {
  for (const [index, rule] of rules.entries()) {
    if (rule.times !== undefined && (used[index] ?? 0) >= rule.times) continue;
    if (!ruleMatches(rule.match, view)) continue;
    used[index] = (used[index] ?? 0) + 1;
    return index;
  }
  return -1;
}
