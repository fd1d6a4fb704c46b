import type { AgentEmit } from '../agent/index.js';

/** Agent output the journal keeps per agent run; a 50 MB print must not make a 61 MB journal. */
export const journaledAgentTextChars = 1_000_000;

/** Passes events on, but `agent.text` only up to `journaledAgentTextChars`, then one notice. */
export function capAgentText(taskId: string, emit: AgentEmit): AgentEmit {
  let used = 0;
  return (body) => {
    if (body.type !== 'agent.text') return emit(body);
    if (used >= journaledAgentTextChars) return;
    const room = journaledAgentTextChars - used;
    used += body.text.length;
    if (body.text.length <= room) return emit(body);
    emit({ ...body, text: body.text.slice(0, room) });
    emit({
      type: 'agent.text',
      taskId,
      text: `\n[maestro: further output of this agent is not journaled (over ${journaledAgentTextChars} characters)]\n`,
    });
  };
}
