import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';
import { UsageError } from '../../errors.js';
import { findRunDir } from '../../ui/attach/run-dir.js';
import { JournalFollower } from '../../ui/attach/journal-follower.js';
import { fileRunControl } from '../../ui/attach/commands-file.js';
import { runTui } from '../../ui/tui.js';
import { planRun, prepareRun, type RunFlags } from '../run-session.js';
import { runWithTui } from '../live-tui.js';
import { askObjective, approvePlan } from '../ask.js';
import { finish, runOptions } from './run.js';

interface TuiFlags extends RunFlags {
  yes?: boolean;
}

export function registerTui(program: Command): void {
  runOptions(program.command('tui'))
    .description('the live full-screen view: start a run (asks for the objective), or attach to one by id')
    .argument('[runId]', 'attach to this run (started elsewhere, e.g. headless or in another terminal)')
    .option('--yes', 'start without showing the plan for approval')
    .action(async (runId: string | undefined, flags: TuiFlags, command: Command) => {
      if (!process.stdout.isTTY || !process.stdin.isTTY) {
        throw new UsageError(
          'maestro tui needs a terminal: run it in one, or use `maestro run --headless` / `maestro status`',
        );
      }
      if (runId) return attach(runId);
      const planless = flags.plan === undefined && flags.each === undefined && flags.template === undefined;
      const task = flags.task ?? (planless ? await askObjective() : undefined);
      const runFlags: RunFlags = { ...flags, ...(task !== undefined && { task }) };
      const run = await prepareRun(runFlags, command.optsWithGlobals<GlobalOptions>(), process.cwd());
      process.stderr.write('maestro: planning…\n');
      const planned = await planRun(run, runFlags);
      const plan = flags.yes ? planned.plan : await approvePlan(planned.plan);
      const state = await runWithTui(run, { ...planned, plan }, runFlags);
      await finish(run, state, runFlags);
    });
}

async function attach(runId: string): Promise<void> {
  const { runDir, journal } = await findRunDir(process.cwd(), runId);
  const follower = new JournalFollower(journal);
  await follower.start();
  try {
    await runTui({ source: follower, control: fileRunControl(runDir), attached: true });
  } finally {
    follower.close();
  }
}
