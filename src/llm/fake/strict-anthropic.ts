import { createHash } from 'node:crypto';
import { estimateTokens, samplingAccepted, type ModelFacts } from '../model-facts.js';

/**
 * What the real Messages API refuses, checked in the fake's strict mode. Each rule quotes the
 * API's own message (as users reported it) and answers 400 invalid_request_error like the API.
 */
export interface Refusal {
  status: number;
  message: string;
}

type Json = Record<string, unknown>;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asObject = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

/** The fake's signature of a thinking block: the API checks that thinking comes back unchanged. */
export function thinkingSignature(thinking: string): string {
  return `fake-sig-${createHash('sha256').update(thinking).digest('base64url').slice(0, 32)}`;
}
export const REDACTED_PREFIX = 'fake-redacted-';

const THINKING_DOCS = 'https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

/** Whether the request thinks: asked for, or the model's default when it says nothing. */
export function requestThinks(body: Json, facts: ModelFacts | undefined): boolean {
  const type = asObject(body.thinking).type;
  if (type === 'enabled' || type === 'adaptive') return true;
  if (type === 'disabled') return false;
  return facts?.thinksByDefault === true;
}

function blocksOf(message: Json): Json[] {
  return typeof message.content === 'string'
    ? [{ type: 'text', text: message.content }]
    : asArray(message.content).map(asObject);
}

/** "A maximum of 4 blocks with cache_control may be provided. Found 5." (issues: sub2api#176) */
function breakpoints(body: Json): Refusal | null {
  let found = body.cache_control ? 1 : 0;
  for (const item of [...asArray(body.tools), ...asArray(body.system)])
    if (asObject(item).cache_control) found++;
  for (const m of asArray(body.messages)) for (const b of blocksOf(asObject(m))) if (b.cache_control) found++;
  return found > 4
    ? { status: 400, message: `A maximum of 4 blocks with cache_control may be provided. Found ${found}.` }
    : null;
}

/**
 * Sampling: "`temperature` is deprecated for this model." (github/app#2574), "`temperature` may
 * only be set to 1 when thinking is enabled or in adaptive mode" (modelparams.dev#214),
 * "`temperature` and `top_p` cannot both be specified for this model" (otoroshi#140).
 */
function sampling(body: Json, facts: ModelFacts | undefined, thinks: boolean): Refusal | null {
  const refuse = (message: string): Refusal => ({ status: 400, message });
  for (const [field, rule] of [
    ['temperature', facts?.temperature],
    ['top_p', facts?.topP],
  ] as const) {
    if (body[field] === undefined || !facts) continue;
    if (rule === 'never') return refuse(`\`${field}\` is deprecated for this model.`);
    if (!samplingAccepted(rule, thinks) && !(field === 'temperature' && body[field] === 1)) {
      return refuse(
        `\`${field}\` may only be set to 1 when thinking is enabled or in adaptive mode. Please consult our documentation at ${THINKING_DOCS}`,
      );
    }
  }
  if (body.temperature !== undefined && body.top_p !== undefined) {
    return refuse('`temperature` and `top_p` cannot both be specified for this model. Please use only one.');
  }
  return null;
}

/**
 * Text blocks: "messages: text content blocks must be non-empty" and "… must contain
 * non-whitespace text" (anthropics/claude-code#59812, #23440; LibreChat-AI/agents#124).
 */
function texts(messages: Json[]): Refusal | null {
  for (const [i, m] of messages.entries()) {
    const blocks = blocksOf(m);
    if (blocks.length === 0 && i < messages.length - 1) {
      return {
        status: 400,
        message: `messages.${i}: all messages must have non-empty content except for the optional final assistant message`,
      };
    }
    const textBlocks = blocks.filter((b) => b.type === 'text');
    if (textBlocks.some((b) => b.text === '')) {
      return { status: 400, message: 'messages: text content blocks must be non-empty' };
    }
    if (textBlocks.length > 0 && textBlocks.length === blocks.length) {
      if (textBlocks.every((b) => String(b.text).trim() === '')) {
        return { status: 400, message: 'messages: text content blocks must contain non-whitespace text' };
      }
    }
  }
  return null;
}

/**
 * Tool pairing: "messages.N: `tool_use` ids were found without `tool_result` blocks immediately
 * after: ids. Each `tool_use` block must have a corresponding `tool_result` block in the next
 * message." (anthropics/claude-code#5989) and the converse for a stray tool_result.
 */
function toolPairs(messages: Json[]): Refusal | null {
  for (const [i, m] of messages.entries()) {
    const uses = m.role === 'assistant' ? blocksOf(m).filter((b) => b.type === 'tool_use') : [];
    const next = messages[i + 1];
    const results = new Set(
      (next ? blocksOf(next) : []).filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id)),
    );
    const missing = uses.map((b) => String(b.id)).filter((id) => !results.has(id));
    // A final assistant message may end with tool_use: nothing after it to pair yet.
    if (missing.length > 0 && next) {
      return {
        status: 400,
        message: `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      };
    }
    if (m.role !== 'user') continue;
    const previous = messages[i - 1];
    const used = new Set(
      (previous?.role === 'assistant' ? blocksOf(previous) : [])
        .filter((b) => b.type === 'tool_use')
        .map((b) => String(b.id)),
    );
    for (const [j, b] of blocksOf(m).entries()) {
      if (b.type === 'tool_result' && !used.has(String(b.tool_use_id))) {
        return {
          status: 400,
          message: `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(b.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
        };
      }
    }
  }
  return null;
}

/**
 * Thinking in a tool-use continuation: the final assistant turn must start with its thinking
 * block, unchanged ("messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but
 * found `tool_use`…", haystack-core-integrations#2146; signatures: extended-thinking docs).
 */
function thinkingBlocks(messages: Json[], thinks: boolean): Refusal | null {
  for (const [i, m] of messages.entries()) {
    for (const [j, b] of blocksOf(m).entries()) {
      const forged =
        (b.type === 'thinking' && b.signature !== thinkingSignature(String(b.thinking))) ||
        (b.type === 'redacted_thinking' && !String(b.data).startsWith(REDACTED_PREFIX));
      if (forged) {
        return {
          status: 400,
          message: `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`,
        };
      }
    }
  }
  const last = messages.at(-1);
  const continues = last?.role === 'user' && blocksOf(last).some((b) => b.type === 'tool_result');
  if (!thinks || !continues) return null;
  const index = messages.length - 2;
  const first = blocksOf(messages[index] ?? {})[0];
  if (first?.type === 'thinking' || first?.type === 'redacted_thinking') return null;
  return {
    status: 400,
    message: `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first?.type ?? 'nothing')}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at ${THINKING_DOCS}`,
  };
}

/**
 * Limits: "max_tokens: 128001 > 64000, which is the maximum allowed number of output tokens for
 * claude-opus-4-5-20251101" (claude-code#24451); "prompt is too long: 219898 tokens > 200000
 * maximum" (earendil-works/pi#102).
 */
function limits(body: Json, facts: ModelFacts | undefined, model: string): Refusal | null {
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : undefined;
  if (maxTokens === undefined) return { status: 400, message: 'max_tokens: Field required' };
  if (facts?.maxOutputTokens !== undefined && maxTokens > facts.maxOutputTokens) {
    return {
      status: 400,
      message: `max_tokens: ${maxTokens} > ${facts.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model}`,
    };
  }
  const prompt = estimateTokens([body.tools ?? null, body.system ?? null, body.messages]);
  if (facts?.contextWindow !== undefined && prompt > facts.contextWindow) {
    return { status: 400, message: `prompt is too long: ${prompt} tokens > ${facts.contextWindow} maximum` };
  }
  return null;
}

/** The first rule the request breaks, or null. `role: "system"` messages (Claude Code) pass. */
export function checkAnthropic(body: Json, facts: ModelFacts | undefined): Refusal | null {
  const model = typeof body.model === 'string' ? body.model : '';
  const messages = asArray(body.messages)
    .map(asObject)
    .filter((m) => m.role !== 'system');
  const thinks = requestThinks(body, facts);
  return (
    limits(body, facts, model) ??
    breakpoints(body) ??
    sampling(body, facts, thinks) ??
    texts(messages) ??
    toolPairs(messages) ??
    thinkingBlocks(messages, thinks)
  );
}
