import type { AgentEventBody } from '../events.js';
import { clipForEvent } from '../events.js';
import type { Usage } from '../../llm/types.js';
import { addUsage, emptyUsage } from '../../llm/types.js';
import {
  asNumber,
  asRecord,
  asString,
  parseJsonLine,
  type ParsedResult,
  type StreamParser,
} from './parsed.js';

/**
 * `claude -p --output-format stream-json --verbose`: one JSON object a line — `system` (init),
 * `assistant` / `user` messages with Anthropic content blocks, and a final `result` with usage
 * and `total_cost_usd`. Usage is live: an assistant line carries its API message's usage, and the
 * lines of one message (one per content block) share its id and repeat it, so each message counts
 * once, by the growth since its last line. The `result` totals then correct what was counted.
 */
export function claudeUsage(raw: unknown): Usage {
  const u = asRecord(raw);
  return {
    inputTokens: asNumber(u.input_tokens),
    cachedInputTokens: asNumber(u.cache_read_input_tokens),
    cacheWriteTokens: asNumber(u.cache_creation_input_tokens),
    outputTokens: asNumber(u.output_tokens),
  };
}

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block) => asString(asRecord(block).text)).join('\n');
}

const usageKeys = ['inputTokens', 'cachedInputTokens', 'cacheWriteTokens', 'outputTokens'] as const;

/** What `now` adds to `before`, field by field, never negative. */
function growth(now: Usage, before: Usage): Usage {
  const out = { ...now };
  for (const key of usageKeys) out[key] = Math.max(0, now[key] - before[key]);
  return out;
}

const isZero = (u: Usage): boolean => usageKeys.every((key) => u[key] === 0);

export function createClaudeParser(
  taskId: string,
  priceOf: (model: string, usage: Usage) => number = () => 0,
): StreamParser {
  const toolNames = new Map<string, string>();
  const perMessage = new Map<string, Usage>();
  let model = 'claude';
  let lastText = '';
  let counted = emptyUsage();
  let countedUsd = 0;
  const result: ParsedResult = { summary: '', usage: null, costUsd: null, turns: 0, error: null };
  const usageEvent = (usage: Usage, costUsd: number): AgentEventBody => {
    counted = addUsage(counted, usage);
    countedUsd += costUsd;
    return { type: 'agent.usage', taskId, model, provider: 'claude', usage, costUsd };
  };
  return {
    line(text) {
      const event = parseJsonLine(text);
      if (event === null)
        return text.trim() === '' ? [] : [{ type: 'agent.text', taskId, text: `${text}\n` }];
      const out: AgentEventBody[] = [];
      const message = asRecord(event.message);
      switch (event.type) {
        case 'system':
          if (typeof event.model === 'string') model = event.model;
          break;
        case 'assistant': {
          // "<synthetic>" marks a message Claude Code made itself (e.g. "Not logged in"): no API usage.
          if (typeof message.model === 'string' && message.model !== '<synthetic>') model = message.model;
          const id = asString(message.id);
          if (id !== '' && message.model !== '<synthetic>' && message.usage !== undefined) {
            const now = claudeUsage(message.usage);
            const added = growth(now, perMessage.get(id) ?? emptyUsage());
            perMessage.set(id, now);
            if (!isZero(added)) out.push(usageEvent(added, priceOf(model, added)));
          }
          for (const raw of Array.isArray(message.content) ? message.content : []) {
            const block = asRecord(raw);
            if (block.type === 'text' && asString(block.text) !== '') {
              lastText = asString(block.text);
              out.push({ type: 'agent.text', taskId, text: `${lastText}\n` });
            } else if (block.type === 'tool_use') {
              const callId = asString(block.id);
              toolNames.set(callId, asString(block.name));
              out.push({
                type: 'agent.tool_call',
                taskId,
                callId,
                name: asString(block.name),
                args: block.input,
              });
            }
          }
          break;
        }
        case 'user':
          for (const raw of Array.isArray(message.content) ? message.content : []) {
            const block = asRecord(raw);
            if (block.type !== 'tool_result') continue;
            const callId = asString(block.tool_use_id);
            out.push({
              type: 'agent.tool_result',
              taskId,
              callId,
              name: toolNames.get(callId) ?? 'tool',
              ok: block.is_error !== true,
              output: clipForEvent(toolResultText(block.content)),
            });
          }
          break;
        case 'result': {
          result.summary = asString(event.result) || lastText;
          result.usage = claudeUsage(event.usage);
          result.costUsd = typeof event.total_cost_usd === 'number' ? event.total_cost_usd : countedUsd;
          result.turns = asNumber(event.num_turns);
          if (event.is_error === true || (typeof event.subtype === 'string' && event.subtype !== 'success')) {
            result.error =
              asString(event.result) || `claude ended with ${asString(event.subtype) || 'an error'}`;
          }
          // Claude Code's own totals are the bill: whatever the live lines missed comes now.
          const missing = growth(result.usage, counted);
          const missingUsd = Math.max(0, result.costUsd - countedUsd);
          if (!isZero(missing) || missingUsd > 0) out.push(usageEvent(missing, missingUsd));
          break;
        }
        default:
          break;
      }
      return out;
    },
    result: () => ({ ...result, summary: result.summary || lastText }),
  };
}
