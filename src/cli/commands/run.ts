import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';
import { attachReporter, interruptController } from './run-shared.js';
import { exitCodeFor, formatSummary } from '../reporters/summary.js';
import {
  concludeRun,
  executeRun,
  planRun,
  prepareRun,
  type PreparedRun,
  type RunFlags,
} from '../run-session.js';
import { runWithTui } from '../live-tui.js';
import type { RunState } from '../../orchestrator/run-state.js';
import { inertLine, inertText } from '../../util/terminal-text.js';

/** The options `maestro run` and `maestro tui` share. */
export function runOptions(command: Command): Command {
  return command
    .option('--task <objective>', 'what to do, in a sentence')
    .option('--agents <n>', 'agents at once (default: maxAgents from the config)')
    .option('--model <model>', 'model for the planner and the agents (default: defaultModel)')
    .option('--provider <name>', 'openai, anthropic, ollama or auto')
    .option('--template <name>', 'a task template (see maestro templates)')
    .option('--each <glob>', 'one task per tracked file matching the glob, no planner')
    .option('--plan <file>', 'run this plan (JSON or YAML, e.g. from maestro plan) instead of planning')
    .option('--base <ref>', 'start from this commit or branch (default: HEAD)')
    .option('--budget <usd>', 'stop starting new work once the run has cost this much')
    .option('--serialize-overlaps', 'make tasks that touch the same files run one after the other')
    .option('--checkout', 'switch your checkout to the result branch at the end (clean working tree only)')
    .option('--push', 'push the result branch to the remote at the end')
    .option('--pr', 'push the result branch and open a pull request with gh at the end')
    .option(
      '--executor <kind>',
      'local, or queue: tasks as jobs for maestro worker processes (see executor in the config)',
    );
}

export function registerRun(program: Command): void {
  runOptions(program.command('run'))
    .description('plan a task, run agents in parallel worktrees, and merge their work into a result branch')
    .option('--headless', 'print progress lines instead of the full-screen view')
    .option('--json', 'print every event as one JSON line (NDJSON)')
    .action(async (flags: RunFlags, command: Command) => {
      const run = await prepareRun(flags, command.optsWithGlobals<GlobalOptions>(), process.cwd());
      const planned = await planRun(run, flags);
      const live = Boolean(process.stdout.isTTY && process.stdin.isTTY) && !flags.headless && !flags.json;
      const state = live ? await runWithTui(run, planned, flags) : await runHeadless(run, planned, flags);
      await finish(run, state, flags);
    });
}

async function runHeadless(
  run: PreparedRun,
  planned: Awaited<ReturnType<typeof planRun>>,
  flags: RunFlags,
): Promise<RunState> {
  const interrupt = interruptController();
  try {
    return await executeRun(run, planned, flags, {
      signal: interrupt.signal,
      onJournal: (journal) => attachReporter(journal, flags.json === true),
    });
  } finally {
    interrupt.dispose();
  }
}

/** Hooks and delivery, the summary, and the exit code (a failed delivery makes an otherwise good run exit 1). */
export async function finish(run: PreparedRun, state: RunState, flags: RunFlags): Promise<void> {
  const concluded = await concludeRun(run, state, flags);
  const out = flags.json ? process.stderr : process.stdout;
  out.write(`${inertText(formatSummary(state))}\n`);
  for (const line of concluded.lines) out.write(`${inertLine(line)}\n`);
  const code = exitCodeFor(state.outcome);
  process.exitCode = concluded.failed && code === 0 ? 1 : code;
}
