import { checkExhaustive } from '../../errors.js';
import { PathGuard } from '../path-guard.js';
import type { ToolContext, ToolOutcome } from '../tools/context.js';
import type { HostToolCall } from '../tools/schemas.js';
import type { MaestroPlugin, PluginTool } from '../../plugins/api.js';
import { executeHostTool } from '../tools/execute.js';
import { secretFileCheck } from '../secret-files.js';
import { inFolder, listWorktreeFiles } from '../tools/files.js';
import type { FromHost, ToHost } from './protocol.js';

/**
 * Entry of the agent's child process. Its cwd is the task's worktree and its environment has no
 * secrets; it executes worktree tools for the orchestrator and nothing else.
 */
const running = new Map<number, AbortController>();
let base: Omit<ToolContext, 'signal' | 'onCommandStart'> | null = null;
const pluginHandlers = new Map<string, PluginTool['handler']>();

/** Import each plugin module the orchestrator named and keep the handlers of the tools it asked for. */
async function loadPluginTools(tools: { module: string; name: string }[]): Promise<void> {
  for (const { module, name } of tools) {
    const loaded = (await import(module)) as { default?: MaestroPlugin; plugin?: MaestroPlugin };
    const tool = (loaded.default ?? loaded.plugin)?.tools?.find((t) => t.name === name);
    if (!tool) throw new Error(`plugin ${module} has no tool ${name}`);
    pluginHandlers.set(name, tool.handler);
  }
}

/** A plugin tool runs here, in the worktree, with every path going through the same guard. */
async function runPluginTool(name: string, args: unknown, ctx: ToolContext): Promise<ToolOutcome> {
  const handler = pluginHandlers.get(name);
  if (!handler) return { ok: false, output: `unknown tool ${name}` };
  try {
    const output = await handler(args as Record<string, unknown>, {
      worktree: ctx.guard.root,
      resolvePath: async (path) => (await ctx.guard.resolve(path)).abs,
      listFiles: async (folder) => {
        const within = await inFolder(ctx, folder);
        return (await listWorktreeFiles(ctx)).filter(within);
      },
    });
    return { ok: true, output: String(output) };
  } catch (error) {
    return { ok: false, output: `${name} failed: ${(error as Error).message}` };
  }
}

function send(message: FromHost): void {
  process.send?.(message);
}

/** Cancels every running call; resolves once none runs, or when the grace period is over. */
async function cancelAll(): Promise<boolean> {
  for (const controller of running.values()) controller.abort();
  // Commands end their process groups on abort; give them the grace period to do it.
  const deadline = Date.now() + 5_000;
  while (running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return running.size === 0;
}

async function shutdown(): Promise<void> {
  await cancelAll();
  process.exit(0);
}

async function handle(message: ToHost): Promise<void> {
  switch (message.type) {
    case 'init': {
      // Nothing of an earlier task is kept: its context, its worktree as cwd, its plugin tools.
      base = null;
      pluginHandlers.clear();
      try {
        const guard = await PathGuard.create(message.settings.worktree);
        process.chdir(guard.root);
        await loadPluginTools(message.settings.pluginTools ?? []);
        base = {
          ...message.settings,
          worktree: guard.root,
          guard,
          isSecretFile: secretFileCheck(message.settings.allowSecretFiles),
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
            : pluginHandlers.has(message.name)
              ? await runPluginTool(message.name, message.args, base)
              : await executeHostTool(
                  {
                    ...base,
                    signal: controller.signal,
                    onCommandStart: (id) => {
                      pgid = id;
                      send({ type: 'command_started', id: message.id, pgid: id });
                    },
                  },
                  // Checked against the tool's schema by the orchestrator before it was sent.
                  { name: message.name, args: message.args } as HostToolCall,
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
    case 'reset': {
      const clean = await cancelAll();
      base = null;
      send({ type: 'idle', clean });
      return;
    }
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
