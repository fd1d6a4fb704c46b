import type { RunEvent } from '../events.js';
import { checkExhaustive } from '../errors.js';

/**
 * What the TUI may ask of a run. The orchestrator implements it in-process; attach mode implements
 * it by appending to the run's `commands.jsonl` (see attach/commands-file.ts). Every method resolves
 * once the request is handed over, not when it took effect: the effect arrives as events.
 */
export interface RunControl {
  pause(taskId: string): Promise<void>;
  resume(taskId: string): Promise<void>;
  stop(taskId: string): Promise<void>;
  retry(taskId: string): Promise<void>;
  /** Stop every agent and finish the run. */
  stopRun(): Promise<void>;
  /** The TUI goes away; the run keeps going (headless in-process, or untouched when attached). */
  detach(): Promise<void>;
}

/**
 * The event stream the TUI renders. `history()` is every event so far; `subscribe` delivers the
 * events after it. Both may overlap: the TUI drops any event whose `seq` it has already applied, so
 * `seq` must increase by run.
 */
export interface EventSource {
  subscribe(listener: (event: RunEvent) => void): () => void;
  history(): RunEvent[];
}

/** A request sent over RunControl, as data (the attach transport writes these). */
export type RunCommand =
  | { type: 'pause'; taskId: string }
  | { type: 'resume'; taskId: string }
  | { type: 'stop'; taskId: string }
  | { type: 'retry'; taskId: string }
  | { type: 'stop-run' }
  | { type: 'detach' };

/** Adapts a function that sends command objects into a RunControl. */
export function controlFromSender(send: (command: RunCommand) => Promise<void>): RunControl {
  return {
    pause: (taskId) => send({ type: 'pause', taskId }),
    resume: (taskId) => send({ type: 'resume', taskId }),
    stop: (taskId) => send({ type: 'stop', taskId }),
    retry: (taskId) => send({ type: 'retry', taskId }),
    stopRun: () => send({ type: 'stop-run' }),
    detach: () => send({ type: 'detach' }),
  };
}

/** Carries out a command object on a RunControl (the orchestrator side of the attach transport uses it too). */
export async function sendCommand(control: RunControl, command: RunCommand): Promise<void> {
  switch (command.type) {
    case 'pause':
      return control.pause(command.taskId);
    case 'resume':
      return control.resume(command.taskId);
    case 'stop':
      return control.stop(command.taskId);
    case 'retry':
      return control.retry(command.taskId);
    case 'stop-run':
      return control.stopRun();
    case 'detach':
      return control.detach();
    default:
      return checkExhaustive(command);
  }
}
