import type { AgentEventBody } from '../events.js';
import { clipForEvent } from '../events.js';
import type { Usage } from '../../llm/types.js';
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
 * and `total_cost_usd`. Usage is taken from `result` only (assistant lines repeat per block).
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

export function createClaudeParser(taskId: string): StreamParser {
  const toolNames = new Map<string, string>();
  let model = 'claude';
  let lastText = '';
  const result: ParsedResult = { summary: '', usage: null, costUsd: null, turns: 0, error: null };
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
        case 'assistant':
          if (typeof message.model === 'string') model = message.model;
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
          result.costUsd = typeof event.total_cost_usd === 'number' ? event.total_cost_usd : null;
          result.turns = asNumber(event.num_turns);
          if (event.is_error === true || (typeof event.subtype === 'string' && event.subtype !== 'success')) {
            result.error =
              asString(event.result) || `claude ended with ${asString(event.subtype) || 'an error'}`;
          }
          out.push({
            type: 'agent.usage',
            taskId,
            model,
            provider: 'claude',
            usage: result.usage,
            costUsd: result.costUsd ?? 0,
          });
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
