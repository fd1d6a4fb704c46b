import type { FileChangeKind } from '../../events.js';
import type { PathGuard } from '../path-guard.js';
import type { Confinement } from '../../sandbox/run.js';

import type { SecretFileCheck } from '../secret-files.js';

/** What the tools of one agent need: its worktree, its guard, and the limits from config. */
export interface ToolContext {
  worktree: string;
  guard: PathGuard;
  excludePaths: readonly string[];
  allowedCommands: readonly string[];
  commandTimeoutMs: number;
  /** Bytes one write_file / edit_file may write (config `agentLimits.maxWriteBytes`). */
  maxWriteBytes: number;
  /** True for secret-looking files the agent may not read (config `allowSecretFiles` excepted). */
  isSecretFile: SecretFileCheck;
  /** Environment for commands: already scrubbed of secrets. */
  env: Record<string, string>;
  /** How commands run: the task's sandbox (or unconfined, when the user turned it off). */
  confinement: Confinement;
  signal?: AbortSignal;
  /** Reports the process group of a running command, so the parent can kill it if the host dies. */
  onCommandStart?: (pgid: number) => void;
}

export interface ToolOutcome {
  ok: boolean;
  output: string;
  changed?: { path: string; kind: FileChangeKind }[];
}

export function fail(output: string): ToolOutcome {
  return { ok: false, output };
}
