import type { AgentEventBody } from '../events.js';
import { clipForEvent } from '../events.js';
import type { Usage } from '../../llm/types.js';
import { addUsage, emptyUsage } from '../../llm/types.js';
import { asNumber, asRecord, asString, parseJsonLine, type StreamParser } from './parsed.js';

/**
 * Usage of one model in gemini's `result.stats.models`: `input_tokens` is the whole prompt,
 * `cached` the part served from cache, `input` the rest; `output_tokens` counts only the answer,
 * so thinking is what `total_tokens` has beyond prompt and answer (billed as output).
 */
export function geminiModelUsage(raw: unknown): Usage {
  const m = asRecord(raw);
  const prompt = asNumber(m.input_tokens);
  const cached = asNumber(m.cached);
  return {
    inputTokens: m.input !== undefined ? asNumber(m.input) : Math.max(0, prompt - cached),
    cachedInputTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: Math.max(asNumber(m.output_tokens), asNumber(m.total_tokens) - prompt),
  };
}

/**
 * `gemini -o stream-json`: JSONL events `init` (session, configured model, often "auto"),
 * `message` (user, then assistant text in `delta` pieces), `tool_use` {tool_name, tool_id,
 * parameters}, `tool_result` {tool_id, status, output, error}, `error` {severity, message} and a
 * final `result` {status, stats: tokens per model}. Tokens come only with `result`. Checked against
 * gemini-cli 0.61.0 (packages/core/src/output/types.ts, stream-json-formatter.ts).
 */
export function createGeminiParser(
  taskId: string,
  priceOf: (model: string, usage: Usage) => number = () => 0,
): StreamParser {
  const toolNames = new Map<string, string>();
  let message = '';
  let total: Usage | null = null;
  let cost = 0;
  let turns = 0;
  let error: string | null = null;
  return {
    line(text) {
      const event = parseJsonLine(text);
      if (event === null)
        return text.trim() === '' ? [] : [{ type: 'agent.text', taskId, text: `${text}\n` }];
      switch (event.type) {
        case 'message': {
          if (event.role !== 'assistant') return [];
          const piece = asString(event.content);
          message = event.delta === true ? message + piece : piece;
          return piece === '' ? [] : [{ type: 'agent.text', taskId, text: piece }];
        }
        case 'tool_use': {
          const callId = asString(event.tool_id);
          const name = asString(event.tool_name);
          toolNames.set(callId, name);
          // A new answer follows the tool's result: the summary is the last one.
          message = '';
          turns++;
          return [{ type: 'agent.tool_call', taskId, callId, name, args: event.parameters ?? {} }];
        }
        case 'tool_result': {
          const callId = asString(event.tool_id);
          const failure = asString(asRecord(event.error).message);
          return [
            {
              type: 'agent.tool_result',
              taskId,
              callId,
              name: toolNames.get(callId) ?? 'tool',
              ok: event.status === 'success',
              output: clipForEvent(asString(event.output) || failure),
            },
          ];
        }
        case 'error':
          if (event.severity === 'error') error = asString(event.message) || 'gemini reported an error';
          return [
            {
              type: 'agent.text',
              taskId,
              text: `${asString(event.severity) || 'error'}: ${asString(event.message)}\n`,
            },
          ];
        case 'result': {
          if (event.status !== 'success') {
            error =
              asString(asRecord(event.error).message) ||
              error ||
              `gemini ended with ${asString(event.status)}`;
          }
          const out: AgentEventBody[] = [];
          for (const [model, raw] of Object.entries(asRecord(asRecord(event.stats).models))) {
            const usage = geminiModelUsage(raw);
            const costUsd = priceOf(model, usage);
            total = addUsage(total ?? emptyUsage(), usage);
            cost += costUsd;
            out.push({ type: 'agent.usage', taskId, model, provider: 'gemini', usage, costUsd });
          }
          return out;
        }
        default:
          return [];
      }
    },
    result: () => ({
      summary: message.trim(),
      usage: total,
      costUsd: total === null ? null : cost,
      turns: turns + 1,
      error,
    }),
  };
}
