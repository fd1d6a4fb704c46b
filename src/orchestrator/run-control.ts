import type { Scheduler } from './scheduler.js';
import { controlFromSender, type RunCommand, type RunControl } from '../ui/run-control.js';
import { followCommands } from '../ui/attach/commands-file.js';
import { checkExhaustive } from '../errors.js';

/** Apply one RunControl command to a running scheduler; the effect shows up as journaled events. */
export async function applyRunCommand(
  scheduler: Scheduler,
  command: RunCommand,
  onDetach: () => void = () => undefined,
): Promise<void> {
  switch (command.type) {
    case 'pause':
      return scheduler.pauseTask(command.taskId);
    case 'resume':
      return scheduler.resumeTask(command.taskId);
    case 'stop':
      return scheduler.stopTask(command.taskId);
    case 'retry':
      return scheduler.retryTask(command.taskId);
    case 'stop-run':
      return scheduler.stopRun('stopped by the user');
    case 'detach':
      return onDetach();
    default:
      return checkExhaustive(command);
  }
}

/** The in-process RunControl the TUI gets when it runs in the orchestrator's own process. */
export function schedulerRunControl(scheduler: Scheduler, onDetach?: () => void): RunControl {
  return controlFromSender((command) => applyRunCommand(scheduler, command, onDetach));
}

/**
 * The attach transport, orchestrator side: commands an attached `maestro tui` appends to the run
 * folder's `commands.jsonl` are applied to this scheduler. Returns a closer.
 */
export async function followAttachedCommands(
  runDir: string,
  scheduler: Scheduler,
): Promise<{ close(): void }> {
  return followCommands(runDir, (record) => {
    void applyRunCommand(scheduler, record.command).catch(() => undefined);
  });
}
