import { checkExhaustive } from '../../errors.js';
import { PathGuard } from '../path-guard.js';
import type { ToolContext } from '../tools/context.js';
import { executeHostTool } from '../tools/execute.js';
import type { FromHost, ToHost } from './protocol.js';

/**
 * Entry of the agent's child process. Its cwd is the task's worktree and its environment has no
 * secrets; it executes worktree tools for the orchestrator and nothing else.
 */
const running = new Map<number, AbortController>();
let base: Omit<ToolContext, 'signal' | 'onCommandStart'> | null = null;

function send(message: FromHost): void {
  process.send?.(message);
}

async function shutdown(): Promise<void> {
  for (const controller of running.values()) controller.abort();
  // Commands end their process groups on abort; give them the grace period to do it.
  const deadline = Date.now() + 5_000;
  while (running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  process.exit(0);
}

async function handle(message: ToHost): Promise<void> {
  switch (message.type) {
    case 'init': {
      try {
        const guard = await PathGuard.create(message.settings.worktree);
        base = {
          ...message.settings,
          worktree: guard.root,
          guard,
          env: { ...process.env } as Record<string, string>,
        };
        send({ type: 'ready', pid: process.pid });
      } catch (error) {
        send({ type: 'init_failed', message: (error as Error).message });
      }
      return;
    }
    case 'call': {
      const controller = new AbortController();
      running.set(message.id, controller);
      let pgid: number | undefined;
      try {
        const outcome =
          base === null
            ? { ok: false, output: 'the tool host is not initialised' }
            : await executeHostTool(
                {
                  ...base,
                  signal: controller.signal,
                  onCommandStart: (id) => {
                    pgid = id;
                    send({ type: 'command_started', id: message.id, pgid: id });
                  },
                },
                message.name,
                message.args,
              );
        send({ type: 'result', id: message.id, outcome });
      } finally {
        running.delete(message.id);
        if (pgid !== undefined) send({ type: 'command_ended', id: message.id, pgid });
      }
      return;
    }
    case 'cancel':
      running.get(message.id)?.abort();
      return;
    case 'shutdown':
      await shutdown();
      return;
    default:
      checkExhaustive(message);
  }
}

process.on('message', (message: ToHost) => {
  void handle(message);
});
// The orchestrator went away: nobody is left to hear results, so stop everything.
process.on('disconnect', () => {
  void shutdown();
});
