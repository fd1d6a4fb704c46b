import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { findRunDir } from '../../ui/attach/run-dir.js';
import { JournalFollower } from '../../ui/attach/journal-follower.js';
import { fileRunControl } from '../../ui/attach/commands-file.js';
import { runTui } from '../../ui/tui.js';

export function registerTui(program: Command): void {
  program
    .command('tui')
    .description('full-screen live view of a run; with a run id, attach to a run started elsewhere')
    .argument('[runId]', 'the run to attach to (its journal in this repository)')
    .action(async (runId: string | undefined) => {
      if (!runId) {
        throw new UsageError(
          'give the run to attach to: `maestro tui <runId>` (see `maestro status` for ids)',
        );
      }
      const { runDir, journal } = await findRunDir(process.cwd(), runId);
      if (!process.stdout.isTTY || !process.stdin.isTTY) {
        throw new UsageError(
          'maestro tui needs a terminal: run it in one, or follow the run with `maestro status`',
        );
      }
      const follower = new JournalFollower(journal);
      await follower.start();
      try {
        await runTui({ source: follower, control: fileRunControl(runDir), attached: true });
      } finally {
        follower.close();
      }
    });
}
