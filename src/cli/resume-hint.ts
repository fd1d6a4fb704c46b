import type { RunState } from '../orchestrator/run-state.js';

/**
 * After a resolution in a run that has ended: the tasks that waited for the resolved ones and can
 * start now, and the command that starts them. Nothing while the run is still going (its scheduler
 * starts them itself) or when nothing waits.
 */
export function resumeHint(state: RunState): string | undefined {
  if (state.phase !== 'finished') return undefined;
  const ready = state.order.filter((id) => {
    const task = state.tasks[id];
    return (
      task?.state === 'pending' &&
      task.dependsOn.length > 0 &&
      task.dependsOn.every((dep) => state.tasks[dep]?.state === 'merged')
    );
  });
  if (ready.length === 0) return undefined;
  // A run stopped on its budget would stop again at once: the command says to raise it.
  const over = state.budgetExceeded?.scope === 'run';
  const command = over
    ? `maestro resume ${state.runId} --budget <usd above $${state.costUsd.toFixed(2)}>`
    : `maestro resume ${state.runId}`;
  return `${ready.length} task(s) waited for this and can start now (${ready.join(', ')}): run \`${command}\`\n`;
}
