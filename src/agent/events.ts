import type { RunEventBody } from '../events.js';
import type { Usage } from '../llm/types.js';

/** The event bodies an agent emits; the orchestrator journals them as they come. */
export type AgentEventBody = Extract<
  RunEventBody,
  {
    type:
      | 'agent.text'
      | 'agent.tool_call'
      | 'agent.tool_result'
      | 'agent.files_changed'
      | 'agent.usage'
      | 'agent.finished'
      | 'finding.published';
  }
>;

export type AgentEmit = (body: AgentEventBody) => void;

export type AgentStatus = 'finished' | 'failed' | 'stopped';

/** How an agent ended: the same shape for the built-in agent and external CLIs. */
export interface AgentOutcome {
  status: AgentStatus;
  /** The agent's `finish` summary (or an external CLI's final message); '' when none. */
  summary: string;
  /** What dependent tasks must know (the built-in agent's `finish` notes). */
  notes: string;
  /** Why it failed or stopped, one sentence; '' when finished. */
  reason: string;
  usage: Usage;
  costUsd: number;
  turns: number;
}

/** Tool output kept in events (the journal) is capped; the model still gets the full result. */
export function clipForEvent(text: string, max = 4_000): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… [${text.length - max} more characters]`;
}

/** Tool arguments as journaled: long strings (a whole file for write_file) are clipped. */
export function clipArgs(args: unknown, max = 2_000): unknown {
  if (typeof args === 'string') return clipForEvent(args, max);
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return args;
  return Object.fromEntries(
    Object.entries(args).map(([key, value]) => [
      key,
      typeof value === 'string' ? clipForEvent(value, max) : value,
    ]),
  );
}
