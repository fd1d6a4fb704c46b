import type { Command } from 'commander';
import { findRepo, loadRepoConfig, type GlobalOptions } from '../context.js';
import { readRun } from '../../orchestrator/runs.js';
import { inspectRepo } from '../../git/repo.js';
import { worktreeRoot } from '../../git/worktree-paths.js';
import { removeTaskWorktrees } from '../../git/removal.js';
import { MaestroError } from '../../errors.js';

export function registerClean(program: Command): void {
  program
    .command('clean')
    .description('remove the worktrees and branches of merged tasks of a run (default: the latest)')
    .argument('[runId]', 'the run (see maestro runs)')
    .option('--discard', 'also remove unmerged tasks and their work (cannot be undone)')
    .action(async (runId: string | undefined, flags: { discard?: boolean }, command: Command) => {
      const repo = await findRepo(process.cwd());
      const { config } = await loadRepoConfig(repo, command.optsWithGlobals<GlobalOptions>());
      const record = await readRun(repo.root, runId);
      if (record.liveLock) {
        throw new MaestroError(
          `run ${record.runId} is running in process ${record.liveLock.pid}; stop it before cleaning.`,
        );
      }
      const root = worktreeRoot(await inspectRepo(repo.root), config.worktreeDir);
      const outcome = await removeTaskWorktrees(repo.root, {
        runId: record.runId,
        root,
        discard: flags.discard === true,
      });
      await outcome.trashEmptied;
      const lines = [
        `removed ${outcome.removed.length} task worktree(s) and branch(es) of run ${record.runId}`,
      ];
      for (const kept of outcome.plan.keep) lines.push(`  kept ${kept.taskId}: ${kept.reason}`);
      for (const id of outcome.skipped) lines.push(`  kept ${id}: its branch moved meanwhile`);
      if (outcome.plan.keep.length > 0 && !flags.discard)
        lines.push('  (use --discard to remove unmerged work too)');
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
