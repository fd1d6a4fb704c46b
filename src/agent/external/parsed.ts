import type { AgentEventBody } from '../events.js';
import type { Usage } from '../../llm/types.js';

/** Turns an external CLI's output, line by line, into the built-in agent's event bodies. */
export interface StreamParser {
  /** Events for one line of stdout. */
  line(text: string): AgentEventBody[];
  /** What the stream said about the end: final message, reported totals, an error. */
  result(): ParsedResult;
}

export interface ParsedResult {
  summary: string;
  usage: Usage | null;
  costUsd: number | null;
  turns: number;
  /** The CLI reported failure in its stream (even if it exits 0). */
  error: string | null;
}

export function parseJsonLine(text: string): Record<string, unknown> | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function asNumber(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** For CLIs without structured output: every line is text. */
export function createLineParser(taskId: string): StreamParser {
  let last = '';
  return {
    line(text) {
      if (text.trim() !== '') last = text;
      return [{ type: 'agent.text', taskId, text: `${text}\n` }];
    },
    result: () => ({ summary: last, usage: null, costUsd: null, turns: 0, error: null }),
  };
}
