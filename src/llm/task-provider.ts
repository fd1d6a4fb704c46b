import type { LlmEvent } from './llm.js';
import type { Provider, ProviderName, TurnEvent, TurnRequest } from './types.js';

/** Shown when a restarted turn says something other than what was already streamed. */
export const RESTART_MARK = '\n[stream restarted]\n';

/**
 * A plain `Provider` view of the service for one task, for code that knows only TurnEvents.
 * Text streams live. When a turn restarts after text was shown, the new attempt's text is held
 * back while it repeats what was already emitted and streamed from where that ends; if it says
 * something else, RESTART_MARK precedes it. So no text is emitted twice and nothing is lost.
 */
export function taskProvider(
  name: ProviderName,
  stream: (request: TurnRequest) => AsyncIterable<LlmEvent>,
): Provider {
  return {
    name,
    async *stream(request: TurnRequest): AsyncIterable<TurnEvent> {
      let emitted = '';
      let replaying: string | null = null;
      let attemptText = '';
      for await (const event of stream(request)) {
        if (event.type === 'retry') {
          if (event.discardText) {
            emitted = replaying === null ? emitted : emitted + attemptText.slice(emitted.length);
            replaying = emitted;
            attemptText = '';
          }
        } else if (event.type === 'text') {
          if (replaying === null) {
            emitted += event.delta;
            yield event;
            continue;
          }
          attemptText += event.delta;
          if (replaying.startsWith(attemptText)) continue;
          if (attemptText.startsWith(replaying)) {
            const fresh = attemptText.slice(
              Math.max(replaying.length, attemptText.length - event.delta.length),
            );
            if (fresh) yield { type: 'text', delta: fresh };
          } else {
            // Diverged: mark it once, then stream the new attempt as it is.
            yield { type: 'text', delta: RESTART_MARK + attemptText };
            emitted = attemptText;
            replaying = null;
          }
        } else if (event.type === 'tool_call' || event.type === 'thinking' || event.type === 'warning') {
          yield event;
        } else {
          const { stopReason, usage, replay } = event;
          yield { type: 'done', stopReason, usage, ...(replay ? { replay } : {}) };
        }
      }
    },
  };
}
