import type { ToolOutcome } from '../tools/context.js';
import type { HostToolName } from '../tools/schemas.js';
import type { Confinement } from '../../sandbox/run.js';

/** Messages between the orchestrator and an agent's host process (Node IPC, structured clone). */
export interface HostSettings {
  worktree: string;
  excludePaths: string[];
  allowedCommands: string[];
  commandTimeoutMs: number;
  /** How `run_command` runs its programs (plain data from the orchestrator's AgentSandbox). */
  confinement: Confinement;

  /** Config `agentLimits.maxWriteBytes`. */
  maxWriteBytes: number;
  /** Config `allowSecretFiles`: secret-looking files the agent may read anyway. */
  allowSecretFiles: string[];
  /** Plugin tools to load: each plugin module (file URL) and the tool names it provides. */
  pluginTools?: { module: string; name: string }[];
}

export type ToHost =
  /** First, and again for the next task once `reset` answered `idle` (a host reused from a pool). */
  | { type: 'init'; settings: HostSettings }
  /** A built-in worktree tool, or a plugin tool named in `pluginTools`. */
  | { type: 'call'; id: number; name: HostToolName | (string & {}); args: unknown }
  | { type: 'cancel'; id: number }
  /** The task is over: cancel every call, and answer `idle` once none runs (or the grace period ended). */
  | { type: 'reset' }
  | { type: 'shutdown' };

export type FromHost =
  | { type: 'ready'; pid: number }
  | { type: 'init_failed'; message: string }
  | { type: 'result'; id: number; outcome: ToolOutcome }
  | { type: 'command_started'; id: number; pgid: number }
  | { type: 'command_ended'; id: number; pgid: number }
  /** `clean`: no call is left running; the host can be initialised for another task. */
  | { type: 'idle'; clean: boolean };
