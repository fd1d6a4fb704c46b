import type { MaestroConfig } from '../../config/schema.js';
import { checkExhaustive } from '../../errors.js';
import { runInGroup } from '../../sandbox/process-group.js';
import type { ToolArgs } from './schemas.js';
import { fail, type ToolContext, type ToolOutcome } from './context.js';

type TestFramework = NonNullable<MaestroConfig['testFramework']>;

export function testRunnerCommand(framework: TestFramework): string {
  switch (framework) {
    case 'jest':
      return 'npx jest';
    case 'vitest':
      return 'npx vitest run';
    case 'mocha':
      return 'npx mocha';
    case 'node:test':
      return 'node --test';
    case 'pytest':
      return 'pytest';
    case 'go test':
      return 'go test ./...';
    case 'cargo test':
      return 'cargo test';
    default:
      return checkExhaustive(framework);
  }
}

/** The commands an agent may run: the validation commands, `allowCommands`, and the test runner. */
export function allowedCommands(
  config: Pick<MaestroConfig, 'validate' | 'allowCommands' | 'testFramework'>,
): string[] {
  const all = [...config.validate, ...config.allowCommands];
  if (config.testFramework !== null) all.push(testRunnerCommand(config.testFramework));
  return [...new Set(all.map((c) => c.trim()))];
}

// Extra arguments may name files and flags, never shell syntax (no ; | & $ ` > < quotes or spaces inside).
const plainArgument = /^[\w./@:=,+%^-]+$/;

/** The allowed command `command` is an instance of (itself, or it plus plain arguments), or null. */
export function matchAllowed(command: string, allowed: readonly string[]): string | null {
  const wanted = command.trim();
  for (const base of allowed) {
    if (wanted === base) return base;
    if (!wanted.startsWith(`${base} `)) continue;
    const extra = wanted.slice(base.length).trim().split(/\s+/);
    if (extra.every((arg) => plainArgument.test(arg))) return base;
  }
  return null;
}

export async function runAllowedCommand(
  ctx: ToolContext,
  args: ToolArgs<'run_command'>,
): Promise<ToolOutcome> {
  if (matchAllowed(args.command, ctx.allowedCommands) === null) {
    const list = ctx.allowedCommands.map((c) => JSON.stringify(c)).join(', ') || '(none)';
    return fail(`command not allowed: ${JSON.stringify(args.command)}. Allowed commands: ${list}.`);
  }
  const started = Date.now();
  // Configured commands are shell commands the user wrote; `sh -c` runs them as typed.
  const result = await runInGroup('sh', ['-c', args.command.trim()], {
    cwd: ctx.worktree,
    env: ctx.env,
    timeoutMs: ctx.commandTimeoutMs,
    signal: ctx.signal,
    onStart: ctx.onCommandStart,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const status = result.timedOut
    ? `timed out after ${Math.round(ctx.commandTimeoutMs / 1000)} s (process group killed)`
    : result.cancelled
      ? 'cancelled (process group killed)'
      : result.spawnError !== undefined
        ? `could not start: ${result.spawnError}`
        : result.exitCode !== null
          ? `exit code ${result.exitCode}`
          : `killed by ${result.signal ?? 'a signal'}`;
  const ok = result.exitCode === 0 && !result.timedOut && !result.cancelled;
  return { ok, output: `$ ${args.command.trim()}\n[${status}, ${seconds} s]\n${result.output}` };
}
