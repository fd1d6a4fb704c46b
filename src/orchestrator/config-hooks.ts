import { runForAgent, type Confiner } from '../sandbox/run.js';
import { scrubEnv } from '../agent/env.js';
import { MaestroError } from '../errors.js';
import type { MaestroConfig } from '../config/schema.js';

export type LifecycleHookName = keyof MaestroConfig['hooks'];

export interface HookVariables {
  MAESTRO_RUN_ID: string;
  MAESTRO_TASK_ID?: string;
  MAESTRO_WORKTREE?: string;
  MAESTRO_BRANCH?: string;
  MAESTRO_RESULT_BRANCH?: string;
}

export interface HookOutcome {
  hook: LifecycleHookName;
  command: string;
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  output: string;
}

/** A lifecycle hook from the config failed; for preMerge it stops that merge. */
export class LifecycleHookError extends MaestroError {
  readonly outcome: HookOutcome;
  constructor(outcome: HookOutcome) {
    const lastLine = outcome.output.trim().split('\n').at(-1) ?? '';
    const why = outcome.timedOut ? 'timed out' : `exit ${outcome.exitCode ?? 'signal'}`;
    super(`${outcome.hook} hook \`${outcome.command}\` failed (${why})${lastLine ? `: ${lastLine}` : ''}`);
    this.outcome = outcome;
  }
}

const defaultTimeoutSeconds = 300;

export interface HookOptions {
  cwd: string;
  vars: HookVariables;
  /** Hooks run code the agents may have edited: confined like them, with the same scrubbed environment. */
  sandbox: Confiner;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/**
 * Run a config hook (`hooks.postCreate|preMerge|postRun`) through sh in `cwd` with the MAESTRO_*
 * variables, killing its whole process group on timeout. Resolves null when the hook is not set.
 */
export async function runConfigHook(
  config: MaestroConfig,
  name: LifecycleHookName,
  options: HookOptions,
): Promise<HookOutcome | null> {
  const setting = config.hooks[name];
  if (setting === undefined) return null;
  const command = typeof setting === 'string' ? setting : setting.command;
  const timeoutSeconds =
    typeof setting === 'string' ? defaultTimeoutSeconds : (setting.timeoutSeconds ?? defaultTimeoutSeconds);
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.vars)) if (value !== undefined) vars[key] = value;
  const env = scrubEnv(options.env ?? process.env, { allowEnv: config.allowEnv }, vars);
  const result = await runForAgent(options.sandbox, options.cwd, 'sh', ['-c', command], {
    env,
    timeoutMs: timeoutSeconds * 1000,
    ...(options.signal && { signal: options.signal }),
  });
  const output = result.spawnError ? `${result.output}${result.spawnError}` : result.output;
  return {
    hook: name,
    command,
    ok: result.exitCode === 0 && !result.timedOut,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    output,
  };
}

/** Like runConfigHook, but a failure throws LifecycleHookError. */
export async function requireConfigHook(
  config: MaestroConfig,
  name: LifecycleHookName,
  options: HookOptions,
): Promise<HookOutcome | null> {
  const outcome = await runConfigHook(config, name, options);
  if (outcome && !outcome.ok) throw new LifecycleHookError(outcome);
  return outcome;
}
