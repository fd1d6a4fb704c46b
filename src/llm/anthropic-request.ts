import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  TextBlockParam,
  ThinkingConfigParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages/messages';
import { samplingAccepted, type ModelFacts } from './model-facts.js';
import type { ThinkingSetting } from './provider-options.js';
import type { TurnRequest } from './types.js';

const ephemeral = { type: 'ephemeral' as const };
/** Anthropic refuses more than four `cache_control` blocks in one request ("A maximum of 4 blocks…"). */
const MAX_BREAKPOINTS = 4;
/** The output cap when the catalog does not know the model. */
export const FALLBACK_MAX_TOKENS = 8192;
/** Budget for manual extended thinking; must be ≥ 1024 and below max_tokens. */
const THINKING_BUDGET = 16_000;

type Block = Record<string, unknown> & { type: string };

/** True when the text has something besides whitespace; the API refuses empty text blocks. */
const hasText = (text: unknown): boolean => typeof text === 'string' && text.trim() !== '';

/** System blocks with the cache breakpoint on the last segment of the shared prefix. */
function systemBlocks(request: TurnRequest): TextBlockParam[] {
  const lastCached = request.system.map((s) => s.cache === true).lastIndexOf(true);
  return request.system
    .filter((s) => hasText(s.text))
    .map((s) => ({
      type: 'text',
      text: s.text,
      ...(request.system.indexOf(s) === lastCached ? { cache_control: ephemeral } : {}),
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

/**
 * One block of a replayed assistant turn, keeping what the API takes back: thinking and
 * redacted_thinking exactly as received (signature included), text and tool_use without
 * response-only fields; empty or whitespace-only text is dropped (the API refuses it).
 */
function replayBlock(block: Block): ContentBlockParam | null {
  switch (block.type) {
    case 'text':
      return hasText(block.text) ? { type: 'text', text: String(block.text) } : null;
    case 'thinking':
      return { type: 'thinking', thinking: String(block.thinking), signature: String(block.signature) };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: String(block.data) };
    case 'tool_use':
      return {
        type: 'tool_use',
        id: String(block.id),
        name: String(block.name),
        input: (block.input ?? {}) as Record<string, unknown>,
      };
    default:
      return block as unknown as ContentBlockParam;
  }
}

function assistantBlocks(m: Extract<TurnRequest['messages'][number], { role: 'assistant' }>) {
  if (m.replay?.provider === 'anthropic') {
    return (m.replay.content as Block[]).map(replayBlock).filter((b): b is ContentBlockParam => b !== null);
  }
  const blocks: ContentBlockParam[] = hasText(m.content) ? [{ type: 'text', text: m.content }] : [];
  for (const c of m.toolCalls ?? []) {
    const input =
      c.arguments && typeof c.arguments === 'object' ? (c.arguments as Record<string, unknown>) : {};
    blocks.push({ type: 'tool_use', id: c.id, name: c.name, input });
  }
  return blocks;
}

/** Consecutive same-role messages merge: tool results travel as user content blocks. */
function toMessages(request: TurnRequest): MessageParam[] {
  const out: MessageParam[] = [];
  const push = (role: 'user' | 'assistant', blocks: ContentBlockParam[]) => {
    // An empty turn is refused ("text content blocks must be non-empty"): it is left out.
    if (blocks.length === 0) return;
    const last = out.at(-1);
    if (last && last.role === role && Array.isArray(last.content)) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of request.messages) {
    if (m.role === 'user') push('user', hasText(m.content) ? [{ type: 'text', text: m.content }] : []);
    else if (m.role === 'tool') {
      push('user', [
        {
          type: 'tool_result',
          tool_use_id: m.toolCallId,
          content: m.content,
          ...(m.isError ? { is_error: true } : {}),
        },
      ]);
    } else push('assistant', assistantBlocks(m));
  }
  return out;
}

/**
 * The moving breakpoints on the conversation: the end of the newest user turn (written now, read
 * next turn) and the end of the user turn before it (what the previous request wrote, so it is
 * read back even when this turn added more than the 20 blocks a breakpoint looks back over).
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching
 */
function markConversation(messages: MessageParam[], budget: number): void {
  const users = messages.flatMap((m, i) => (m.role === 'user' ? [i] : []));
  // The first request of a conversation is not worth a write of its own: nothing repeats it yet.
  if (messages.length < 2) return;
  for (const index of users.slice(-Math.min(2, budget)).reverse()) {
    const content = messages[index]?.content;
    const last = Array.isArray(content) ? content.at(-1) : undefined;
    if (last && (last.type === 'text' || last.type === 'tool_result')) last.cache_control = ephemeral;
  }
}

/**
 * Thinking from config and catalog; undefined leaves the model's own default. `auto` keeps the
 * model's default and gives a budget model a budget; `off` disables it where the model allows.
 */
function thinkingParam(
  setting: ThinkingSetting | undefined,
  facts: ModelFacts | undefined,
  maxTokens: number,
): ThinkingConfigParam | undefined {
  if (setting === 'off') return facts?.canDisableThinking ? { type: 'disabled' } : undefined;
  if (typeof setting === 'object') {
    return { type: 'enabled', budget_tokens: Math.min(setting.budgetTokens, maxTokens - 1) };
  }
  if (setting === 'adaptive' || facts?.thinking === 'adaptive') return { type: 'adaptive' };
  if (facts?.thinking === 'budget' && maxTokens > 2048) {
    return { type: 'enabled', budget_tokens: Math.min(THINKING_BUDGET, maxTokens - 1024) };
  }
  return undefined;
}

/**
 * The request body maestro sends for one turn. Sampling parameters go only where the catalog
 * says the model takes them, and never beside thinking ("`temperature` may only be set to 1 when
 * thinking is enabled or in adaptive mode"; newer models: "`temperature` is deprecated").
 */
export function anthropicParams(
  request: TurnRequest,
  facts: ModelFacts | undefined,
  setting: ThinkingSetting | undefined,
): MessageCreateParamsStreaming {
  const cap = facts?.maxOutputTokens ?? FALLBACK_MAX_TOKENS;
  // max_tokens includes thinking: a thinking model gets its whole cap unless the caller asks less.
  const maxTokens = Math.min(cap, request.maxOutputTokens ?? cap);
  const thinking = thinkingParam(setting, facts, maxTokens);
  const toolList = tools(request);
  const system = systemBlocks(request);
  const messages = toMessages(request);
  const used =
    (toolList?.some((t) => t.cache_control) ? 1 : 0) + (system.some((s) => s.cache_control) ? 1 : 0);
  markConversation(messages, MAX_BREAKPOINTS - used);
  const thinks = thinking ? thinking.type !== 'disabled' : facts?.thinksByDefault === true;
  const temperature = request.temperature !== undefined && samplingAccepted(facts?.temperature, thinks);
  return {
    model: request.model,
    max_tokens: maxTokens,
    system,
    messages,
    stream: true,
    ...(toolList ? { tools: toolList } : {}),
    ...(thinking ? { thinking } : {}),
    ...(temperature ? { temperature: request.temperature } : {}),
  };
}
