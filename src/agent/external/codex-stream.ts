import type { AgentEventBody } from '../events.js';
import { clipForEvent } from '../events.js';
import type { Usage } from '../../llm/types.js';
import { addUsage, emptyUsage } from '../../llm/types.js';
import { asNumber, asRecord, asString, parseJsonLine, type StreamParser } from './parsed.js';

/**
 * `codex exec --json`: JSONL thread events — `item.started` / `item.completed` carrying an item
 * (`agent_message`, `command_execution`, `file_change`, `mcp_tool_call`, `reasoning`, `error`
 * warnings, ...), `turn.completed` with usage (input includes cached), `turn.failed`, and `error`
 * events that codex also sends for retries it then recovers from. Checked against codex-cli 0.171.
 */
export function codexUsage(raw: unknown): Usage {
  const u = asRecord(raw);
  const cached = asNumber(u.cached_input_tokens);
  return {
    inputTokens: Math.max(0, asNumber(u.input_tokens) - cached),
    cachedInputTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: asNumber(u.output_tokens),
  };
}

/**
 * `model` is the one codex is configured with (its events do not name it): usage is priced by it,
 * output tokens already include reasoning (OpenAI's usage), cached input is priced as cached.
 */
export function createCodexParser(
  taskId: string,
  priceOf: (model: string, usage: Usage) => number = () => 0,
  model = 'codex',
): StreamParser {
  const started = new Set<string>();
  let lastMessage = '';
  let total: Usage | null = null;
  let cost = 0;
  let turns = 0;
  let error: string | null = null;

  const call = (item: Record<string, unknown>, name: string, args: unknown): AgentEventBody[] => {
    const callId = asString(item.id);
    if (started.has(callId)) return [];
    started.add(callId);
    return [{ type: 'agent.tool_call', taskId, callId, name, args }];
  };

  const itemEvents = (item: Record<string, unknown>, completed: boolean): AgentEventBody[] => {
    const callId = asString(item.id);
    switch (item.type) {
      case 'agent_message':
        if (!completed) return [];
        lastMessage = asString(item.text);
        return [{ type: 'agent.text', taskId, text: `${lastMessage}\n` }];
      case 'command_execution': {
        const out = call(item, 'command_execution', { command: asString(item.command) });
        if (!completed) return out;
        const ok = item.exit_code === 0 && item.status !== 'failed' && item.status !== 'declined';
        const output = clipForEvent(asString(item.aggregated_output));
        return [...out, { type: 'agent.tool_result', taskId, callId, name: 'command_execution', ok, output }];
      }
      case 'file_change': {
        const changes = (Array.isArray(item.changes) ? item.changes : []).map((c) => asRecord(c));
        const out = call(item, 'file_change', { changes });
        if (!completed) return out;
        const output = changes.map((c) => `${asString(c.kind)} ${asString(c.path)}`).join('\n');
        return [
          ...out,
          {
            type: 'agent.tool_result',
            taskId,
            callId,
            name: 'file_change',
            ok: item.status !== 'failed',
            output,
          },
        ];
      }
      case 'mcp_tool_call': {
        const name = `${asString(item.server)}.${asString(item.tool)}`;
        const out = call(item, name, item.arguments ?? {});
        if (!completed) return out;
        const output = clipForEvent(JSON.stringify(item.result ?? item.error ?? null));
        return [
          ...out,
          { type: 'agent.tool_result', taskId, callId, name, ok: item.status !== 'failed', output },
        ];
      }
      case 'error':
        // An error item is codex's warning (e.g. a transport fallback); the turn goes on.
        if (!completed) return [];
        return [{ type: 'agent.text', taskId, text: `warning: ${asString(item.message)}\n` }];
      default:
        return [];
    }
  };

  return {
    line(text) {
      const event = parseJsonLine(text);
      if (event === null)
        return text.trim() === '' ? [] : [{ type: 'agent.text', taskId, text: `${text}\n` }];
      switch (event.type) {
        case 'item.started':
          return itemEvents(asRecord(event.item), false);
        case 'item.completed':
          return itemEvents(asRecord(event.item), true);
        case 'turn.completed': {
          // Errors before it were retried ("Reconnecting...") and the turn got through.
          error = null;
          turns++;
          const usage = codexUsage(event.usage);
          total = addUsage(total ?? emptyUsage(), usage);
          const turnCost = priceOf(model, usage);
          cost += turnCost;
          return [{ type: 'agent.usage', taskId, model, provider: 'codex', usage, costUsd: turnCost }];
        }
        case 'turn.failed':
          error = asString(asRecord(event.error).message) || 'codex turn failed';
          return [];
        case 'error':
          error = asString(event.message) || 'codex reported an error';
          return [];
        default:
          return [];
      }
    },
    result: () => ({
      summary: lastMessage,
      usage: total,
      costUsd: total === null ? null : cost,
      turns,
      error,
    }),
  };
}
