import { estimateTokens } from '../llm/model-facts.js';
import type { Message, SystemSegment, ToolSpec } from '../llm/types.js';

/** The model's window and what the answer needs of it (its output cap, thinking included). */
export interface WindowLimits {
  contextWindow: number;
  maxOutputTokens?: number;
}

/** Share of the room the prompt may fill before old tool results are cut (estimates are rough). */
const FILL = 0.85;
/** How much of an old result survives, in characters: a first pass keeps more, a second less. */
const KEEPS: readonly { head: number; tail: number }[] = [
  { head: 2_000, tail: 1_000 },
  { head: 300, tail: 200 },
];

/** Tokens the prompt may use: the window less room for the answer, with a margin. */
export function promptRoom(limits: WindowLimits): number {
  const answer = Math.min(limits.maxOutputTokens ?? 4_096, Math.floor(limits.contextWindow / 4));
  return Math.floor((limits.contextWindow - answer) * FILL);
}

function shorten(text: string, keep: { head: number; tail: number }): string {
  if (text.length <= keep.head + keep.tail + 200) return text;
  const cut = text.length - keep.head - keep.tail;
  return `${text.slice(0, keep.head)}\n[… ${cut} characters of this old tool result were cut to keep the conversation within the model's context window …]\n${text.slice(-keep.tail)}`;
}

/**
 * The conversation made to fit the model's window: when the estimate nears it, the oldest tool
 * results are shortened, head and tail kept with a note of the cut, until it fits. The task
 * message, the assistant turns and the newest results (after the last assistant turn) stay whole.
 * Returns the same array when nothing had to change.
 */
export function fitToWindow(
  messages: Message[],
  system: readonly SystemSegment[],
  tools: readonly ToolSpec[],
  limits: WindowLimits,
): { messages: Message[]; cut: number } {
  const room = promptRoom(limits);
  const fixed = estimateTokens([system, tools]);
  const size = (list: Message[]) => fixed + estimateTokens(list);
  if (size(messages) <= room) return { messages, cut: 0 };
  const lastAssistant = messages.map((m) => m.role).lastIndexOf('assistant');
  const out = [...messages];
  let cut = 0;
  for (const keep of KEEPS) {
    for (let i = 0; i < lastAssistant && size(out) > room; i++) {
      const m = out[i];
      if (m?.role !== 'tool') continue;
      const content = shorten(m.content, keep);
      if (content === m.content) continue;
      out[i] = { ...m, content };
      cut++;
    }
  }
  return { messages: out, cut };
}
