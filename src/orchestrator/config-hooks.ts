import { runInGroup } from '../sandbox/process-group.js';
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

/**
 * Run a config hook (`hooks.postCreate|preMerge|postRun`) through sh in `cwd` with the MAESTRO_*
 * variables, killing its whole process group on timeout. Resolves null when the hook is not set.
 */
export async function runConfigHook(
  config: MaestroConfig,
  name: LifecycleHookName,
  options: { cwd: string; vars: HookVariables; signal?: AbortSignal },
): Promise<HookOutcome | null> {
  const setting = config.hooks[name];
  if (setting === undefined) return null;
  const command = typeof setting === 'string' ? setting : setting.command;
  const timeoutSeconds =
    typeof setting === 'string' ? defaultTimeoutSeconds : (setting.timeoutSeconds ?? defaultTimeoutSeconds);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...options.vars }))
    if (value !== undefined) env[key] = value;
  const result = await runInGroup('sh', ['-c', command], {
    cwd: options.cwd,
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
  options: { cwd: string; vars: HookVariables; signal?: AbortSignal },
): Promise<HookOutcome | null> {
  const outcome = await runConfigHook(config, name, options);
  if (outcome && !outcome.ok) throw new LifecycleHookError(outcome);
  return outcome;
}
