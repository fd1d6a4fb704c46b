import { runForAgent, type Confiner } from '../sandbox/run.js';

export interface ValidationResult {
  command: string;
  ok: boolean;
  exitCode: number | null;
  /** Combined stdout and stderr, head and tail kept when long. */
  output: string;
  timedOut: boolean;
}

/**
 * Run the configured `validate` commands in a worktree, in order, through the user's shell
 * (`sh -c`, as they would type them: the user wrote them), each confined by the run's sandbox in
 * its own process group with a timeout: the code they run is the agent's. Stops at the
 * first failure: later commands usually depend on earlier ones (build before test).
 */
export async function runValidation(
  worktree: string,
  commands: readonly string[],
  options: {
    timeoutMs: number;
    env: Record<string, string>;
    sandbox: Confiner;
    signal?: AbortSignal;
    onStart?: (command: string) => Promise<unknown>;
    onResult?: (result: ValidationResult) => Promise<unknown>;
  },
): Promise<ValidationResult | undefined> {
  for (const command of commands) {
    await options.onStart?.(command);
    const run = await runForAgent(options.sandbox, worktree, 'sh', ['-c', command], {
      env: options.env,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      headChars: 4_000,
      tailChars: 8_000,
    });
    const result: ValidationResult = {
      command,
      ok: run.exitCode === 0 && !run.timedOut,
      exitCode: run.exitCode,
      output: run.spawnError ? `${run.output}\n${run.spawnError}` : run.output,
      timedOut: run.timedOut,
    };
    await options.onResult?.(result);
    if (!result.ok) return result;
  }
  return undefined;
}

export function describeFailure(result: ValidationResult, timeoutMs: number): string {
  if (result.timedOut) return `\`${result.command}\` ran past its ${Math.round(timeoutMs / 1000)} s timeout`;
  return `\`${result.command}\` failed (exit ${result.exitCode ?? 'signal'})`;
}
