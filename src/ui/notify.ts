import type { RunEvent } from '../events.js';

/** Why the user should look: an agent failed or conflicted, or the whole run finished. */
export function attentionMessage(events: readonly RunEvent[]): string | undefined {
  for (const event of events) {
    if (event.type === 'task.failed') return `task ${event.taskId} failed`;
    if (event.type === 'task.conflicted') return `task ${event.taskId} has conflicts to review`;
    if (event.type === 'run.finished') return `run finished: ${event.status}`;
  }
  return undefined;
}

/** Terminal bell plus OSC 777 (a desktop notification where the terminal supports it; ignored elsewhere). */
export function notificationSequence(message: string): string {
  const safe = [...message].map((char) => (char.charCodeAt(0) < 32 || char === ';' ? ' ' : char)).join('');
  return `\x07\x1b]777;notify;maestro;${safe}\x07`;
}
