import type { MaestroConfig } from '../config/schema.js';
import type { SystemSegment, Usage } from '../llm/types.js';
import { emptyUsage } from '../llm/types.js';
import { runBuiltinAgent, type TurnStreamer } from './builtin.js';
import type { DependencyReport } from './context/prompt.js';
import type { WindowLimits } from './context-window.js';
import { scrubEnv, withPushesRefused } from './env.js';
import type { Confiner } from '../sandbox/run.js';
import { costOf } from '../llm/pricing.js';
import { credentialEnv } from './external/presets.js';
import { renderExternalPrompt } from './external/prompt.js';
import type { MemoryMcpServer } from './mcp/memory-server.js';
import { startMemoryServer } from './mcp/start.js';
import type { AgentEmit, AgentOutcome } from './events.js';
import { ExternalControl, runExternalAgent } from './external/run.js';
import { startToolHost, type StartHostOptions, type ToolHost } from './host/client.js';
import type { ToolHostPool } from './host/pool.js';
import { PauseGate } from './pause-gate.js';
import type { SharedMemory } from './shared-memory.js';
import { allowedCommands } from './tools/commands.js';
import type { PluginToolRef } from './tools/plugin-tools.js';
import { firstFiles, whenUsable, type AgentWorkspace } from './workspace.js';

/** The model side of a built-in agent, supplied by the orchestrator (limiter, budget, pricing inside). */
export interface AgentLlm {
  streamer: TurnStreamer;
  providerName: string;
  model: string;
  costOf?: (usage: Usage) => number;
  overBudget?: (spent: { usage: Usage; costUsd: number }) => string | null;
  cacheKey?: string;
  maxOutputTokens?: number;
  /** The model's context window and output cap (catalog), for shortening old tool results. */
  contextLimits?: WindowLimits;
}

export interface StartAgentOptions {
  runId: string;
  taskId: string;
  agentId: string;
  worktree: string;
  config: MaestroConfig;
  /** Shared prefix (`buildSharedPrefix`) and task message (`buildTaskMessage`). */
  system: SystemSegment[];
  taskMessage: string;
  memory: SharedMemory;
  emit: AgentEmit;
  /** Required for the built-in agent; external CLIs bring their own model. */
  llm?: AgentLlm;
  /** Overrides `config.agent` (the `--agent` flag). */
  agent?: MaestroConfig['agent'];
  /** Findings already in `taskMessage`; later ones reach the agent at its next turn. Default: all current. */
  findingsSeen?: number;
  /** Confines every process the agent starts (commands, the external CLI): the run's AgentSandbox. */
  sandbox: Confiner;
  /** The orchestrator's environment, scrubbed before any child sees it. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Tools plugins add to the built-in agent. */
  pluginTools?: readonly PluginToolRef[];
  /** When the worktree is still being checked out: tools (and external CLIs) wait for it. Default: ready. */
  workspace?: AgentWorkspace;
  /** Told the process group of an external CLI once it runs (the run records it for `resume`). */
  onProcessGroup?: (pgid: number) => void;
  /**
   * The run's MCP server, through which external CLIs reach shared memory. Without one, an
   * external agent gets a server of its own for its lifetime (same memory, same tools).
   */
  memoryServer?: MemoryMcpServer;
  /** What this task's dependencies did (served to external CLIs over MCP). */
  dependencies?: readonly DependencyReport[];
  /** The run's tool hosts, reused from task to task. Without one, the built-in agent starts its own. */
  hosts?: ToolHostPool;
}

/** One running agent, built-in or external: its outcome and its controls. */
export interface AgentHandle {
  readonly outcome: Promise<AgentOutcome>;
  readonly paused: boolean;
  /** Built-in: holds the next turn. External: SIGSTOP to its process group. */
  pause(): void;
  resume(): void;
  /** Ends the agent: the conversation stops, running commands and CLIs die with their process group. */
  stop(reason?: string): void;
}

type BudgetCheck = (spent: { usage: Usage; costUsd: number }) => string | null;

/** The orchestrator's check first, then the config's per-task dollar cap. */
export function taskBudgetCheck(taskUsd: number | null, extra?: BudgetCheck): BudgetCheck {
  return (spent) => {
    const reason = extra?.(spent) ?? null;
    if (reason !== null || taskUsd === null || spent.costUsd < taskUsd) return reason;
    return `the task's budget of $${taskUsd.toFixed(2)} is spent ($${spent.costUsd.toFixed(2)})`;
  };
}

function failedAtStart(reason: string): AgentOutcome {
  return { status: 'failed', summary: '', notes: '', reason, usage: emptyUsage(), costUsd: 0, turns: 0 };
}

export function startAgent(options: StartAgentOptions): AgentHandle {
  const stopper = new AbortController();
  const timeoutMs = options.config.agentLimits.taskTimeoutSeconds * 1000;
  const setting = options.agent ?? options.config.agent;
  let paused = false;

  if (setting !== 'builtin') {
    // A CLI brings its own model: the variables its preset declares pass the scrub, for it only.
    // A push from inside the worktree is refused (per-process pushInsteadOf to a dead URL).
    const env = withPushesRefused(
      scrubEnv(options.env ?? process.env, {
        allowEnv: options.config.allowEnv,
        declared: credentialEnv(setting),
      }),
    );
    const control = new ExternalControl();
    // A CLI reads the disk itself: it starts once the whole worktree is there.
    const outcome = (options.workspace?.ready ?? Promise.resolve())
      .then(() => runExternal(options, setting, env, control, stopper.signal, timeoutMs))
      .catch((error: unknown) => failedAtStart(`the agent could not run: ${(error as Error).message}`));
    return {
      outcome,
      get paused() {
        return paused;
      },
      pause: () => ((paused = true), control.pause()),
      resume: () => ((paused = false), control.resume()),
      stop: (reason = 'stopped by the user') => (control.resume(), stopper.abort(reason)),
    };
  }

  const env = withPushesRefused(scrubEnv(options.env ?? process.env, { allowEnv: options.config.allowEnv }));
  const gate = new PauseGate();
  // Counted now, before the host starts: findings published meanwhile are new to this agent.
  const seen = options.findingsSeen ?? options.memory.size;
  const outcome = runBuiltin({ ...options, findingsSeen: seen }, env, gate, stopper, timeoutMs);
  return {
    outcome,
    get paused() {
      return gate.paused;
    },
    pause: () => gate.pause(),
    resume: () => gate.resume(),
    stop: (reason = 'stopped by the user') => stopper.abort(reason),
  };
}

async function runExternal(
  options: StartAgentOptions,
  setting: Exclude<MaestroConfig['agent'], 'builtin'>,
  env: Record<string, string>,
  control: ExternalControl,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<AgentOutcome> {
  const server = options.memoryServer ?? (await startMemoryServer());
  const registration = server.register({
    taskId: options.taskId,
    agentId: options.agentId,
    memory: options.memory,
    emit: options.emit,
    dependencies: options.dependencies ?? [],
  });
  const { config } = options;
  try {
    return await runExternalAgent({
      setting,
      worktree: options.worktree,
      runId: options.runId,
      taskId: options.taskId,
      prompt: renderExternalPrompt(options.system, options.taskMessage),
      env,
      mcpUrl: registration.url,
      commands: allowedCommands(config),
      taskUsd: config.budget.taskUsd,
      emit: options.emit,
      sandbox: options.sandbox,
      originalEnv: options.env ?? process.env,
      timeoutMs,
      signal,
      control,
      onProcessGroup: options.onProcessGroup,
      // The CLI's own model, priced from the catalog (and the config's `pricing`).
      priceOf: (model, usage) => costOf(model, usage, config.pricing).usd,
      overBudget: taskBudgetCheck(config.budget.taskUsd, options.llm?.overBudget),
    });
  } finally {
    registration.release();
    if (options.memoryServer === undefined) await server.close();
  }
}

async function runBuiltin(
  options: StartAgentOptions,
  env: Record<string, string>,
  gate: PauseGate,
  stopper: AbortController,
  timeoutMs: number,
): Promise<AgentOutcome> {
  const llm = options.llm;
  if (llm === undefined) return failedAtStart('the built-in agent needs a model provider; configure one.');
  const commands = allowedCommands(options.config);
  const { agentLimits } = options.config;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stopper.abort('task timeout');
  }, timeoutMs);
  // The host starts while the first model turn streams: it is needed only at the first tool call,
  // so its start-up (a Node process) is hidden behind the model's latency instead of added to it.
  // It waits for the task's first files, so starting agents is not slowed by starting hosts.
  let hostError: Error | undefined;
  const start = (hostOptions: StartHostOptions): Promise<ToolHost> =>
    options.hosts ? options.hosts.acquire(hostOptions) : startToolHost(hostOptions);
  const hostStart = (options.workspace ? firstFiles(options.workspace) : Promise.resolve()).then(async () =>
    start({
      worktree: options.worktree,
      confinement: await options.sandbox.confinement(options.worktree),
      excludePaths: options.config.excludePaths,
      allowedCommands: commands,
      commandTimeoutMs: agentLimits.commandTimeoutSeconds * 1000,
      maxWriteBytes: agentLimits.maxWriteBytes,
      allowSecretFiles: options.config.allowSecretFiles,
      env,
      pluginTools: (options.pluginTools ?? []).map((t) => ({ module: t.module, name: t.spec.name })),
    }),
  );
  hostStart.catch((error: unknown) => {
    hostError = error as Error;
    stopper.abort('the tool host could not start');
  });
  // The worktree may still be checking out: a failure there ends the agent.
  let workspaceError: Error | undefined;
  options.workspace?.ready.catch((error: unknown) => {
    workspaceError = error as Error;
    stopper.abort('the worktree could not be prepared');
  });
  const host: Pick<ToolHost, 'call'> = {
    call: async (name, args, signal) => {
      if (options.workspace) await whenUsable(options.workspace, options.worktree, name, args);
      return (await hostStart).call(name, args, signal);
    },
  };
  try {
    const outcome = await runBuiltinAgent({
      taskId: options.taskId,
      agentId: options.agentId,
      llm: llm.streamer,
      providerName: llm.providerName,
      model: llm.model,
      system: options.system,
      taskMessage: options.taskMessage,
      tools: host,
      allowedCommands: commands,
      ...(options.pluginTools && { pluginTools: options.pluginTools }),
      memory: options.memory,
      emit: options.emit,
      maxTurns: agentLimits.maxTurns,
      maxToolCallsPerTurn: agentLimits.maxToolCallsPerTurn,
      maxToolCallsPerTask: agentLimits.maxToolCallsPerTask,
      costOf: llm.costOf,
      overBudget: taskBudgetCheck(options.config.budget.taskUsd, llm.overBudget),
      signal: stopper.signal,
      gate,
      cacheKey: llm.cacheKey ?? options.runId,
      maxOutputTokens: llm.maxOutputTokens,
      ...(llm.contextLimits ? { contextLimits: llm.contextLimits } : {}),
      findingsSeen: options.findingsSeen,
    });
    if (workspaceError) return failedAtStart(`the worktree could not be prepared: ${workspaceError.message}`);
    if (hostError) return failedAtStart(hostError.message);
    if (timedOut && outcome.status === 'stopped') {
      return {
        ...outcome,
        status: 'failed',
        reason: `the task ran past its timeout (${agentLimits.taskTimeoutSeconds} s)`,
      };
    }
    return outcome;
  } finally {
    clearTimeout(timer);
    await hostStart.then(
      (started) => started.close(),
      () => undefined,
    );
  }
}
