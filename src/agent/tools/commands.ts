import type { MaestroConfig } from '../../config/schema.js';
import { checkExhaustive } from '../../errors.js';
import type { GroupRunResult } from '../../sandbox/process-group.js';
import { runConfined } from '../../sandbox/run.js';
import { isPlainCommand, parseCommandLine } from './argv.js';
import { checkArguments } from './command-arguments.js';
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

export interface CommandMatch {
  /** The allowed command (as configured) this call is an instance of. */
  base: string;
  /** What runs: the parsed argv, or the configured text through `sh -c` for a shell command run as-is. */
  run: { argv: string[] } | { shell: string };
  /** Arguments the model added after the allowed ones. */
  extra: string[];
}

export type CommandCheck = { ok: true; match: CommandMatch } | { ok: false; error: string };

/**
 * Parse `command` once and find the allowed command it starts with, word by word (the longest
 * wins). A configured command that needs a shell (`a && b`, quotes) is matched only as typed.
 */
export function matchAllowed(command: string, allowed: readonly string[]): CommandCheck {
  const parsed = parseCommandLine(command.trim());
  const shellEntry = allowed.find((base) => !isPlainCommand(base) && base === command.trim());
  if (shellEntry !== undefined)
    return { ok: true, match: { base: shellEntry, run: { shell: shellEntry }, extra: [] } };
  if (!parsed.ok) return { ok: false, error: parsed.error };
  let best: { base: string; words: string[] } | null = null;
  for (const base of allowed) {
    if (!isPlainCommand(base)) continue;
    const words = (parseCommandLine(base) as { argv: string[] }).argv;
    const prefix = words.every((word, index) => parsed.argv[index] === word);
    if (prefix && (best === null || words.length > best.words.length)) best = { base, words };
  }
  if (best === null) {
    const list = allowed.map((c) => JSON.stringify(c)).join(', ') || '(none)';
    return {
      ok: false,
      error: `command not allowed: ${JSON.stringify(command)}. Allowed commands: ${list}.`,
    };
  }
  const extra = parsed.argv.slice(best.words.length);
  return { ok: true, match: { base: best.base, run: { argv: parsed.argv }, extra } };
}

/** The command's output as the model sees it: what ran, how it ended, then its output. */
function describeResult(
  command: string,
  result: GroupRunResult,
  timeoutMs: number,
  started: number,
): ToolOutcome {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const status = result.timedOut
    ? `timed out after ${Math.round(timeoutMs / 1000)} s (process group killed)`
    : result.cancelled
      ? 'cancelled (process group killed)'
      : result.spawnError !== undefined
        ? `could not start: ${result.spawnError}`
        : result.exitCode !== null
          ? `exit code ${result.exitCode}`
          : `killed by ${result.signal ?? 'a signal'}`;
  const ok = result.exitCode === 0 && !result.timedOut && !result.cancelled;
  return { ok, output: `$ ${command}\n[${status}, ${seconds} s]\n${result.output}` };
}

export async function runAllowedCommand(
  ctx: ToolContext,
  args: ToolArgs<'run_command'>,
): Promise<ToolOutcome> {
  const checked = matchAllowed(args.command, ctx.allowedCommands);
  if (!checked.ok) return fail(checked.error);
  const { match } = checked;
  const refused =
    'argv' in match.run ? await checkArguments(match.run.argv[0]!, match.extra, ctx.guard) : null;
  if (refused !== null) return fail(`${refused}; nothing was run.`);
  const [file, ...rest] = 'argv' in match.run ? match.run.argv : ['sh', '-c', match.run.shell];
  const started = Date.now();
  const result = await runConfined(ctx.confinement, file!, rest, {
    cwd: ctx.worktree,
    env: ctx.env,
    timeoutMs: ctx.commandTimeoutMs,
    signal: ctx.signal,
    onStart: ctx.onCommandStart,
  });
  return describeResult(args.command.trim(), result, ctx.commandTimeoutMs, started);
}
