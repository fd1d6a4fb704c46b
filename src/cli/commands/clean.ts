import type { Command } from 'commander';
import { findRepo, loadRepoConfig, type GlobalOptions } from '../context.js';
import { listRuns, readRun } from '../../orchestrator/runs.js';
import { listBranches } from '../../git/plumbing.js';
import { runBranchPrefix } from '../../git/refs.js';
import { inspectRepo } from '../../git/repo.js';
import { worktreeRoot } from '../../git/worktree-paths.js';
import { removeTaskWorktrees } from '../../git/removal.js';
import { MaestroError, UsageError } from '../../errors.js';

export function registerClean(program: Command): void {
  program
    .command('clean')
    .description('remove the worktrees and branches of merged tasks of a run (default: the latest)')
    .argument('[runId]', 'the run (see maestro runs)')
    .option('--discard', 'also remove unmerged tasks and their work (cannot be undone)')
    .action(async (runId: string | undefined, flags: { discard?: boolean }, command: Command) => {
      const repo = await findRepo(process.cwd());
      const { config } = await loadRepoConfig(repo, command.optsWithGlobals<GlobalOptions>());
      if (flags.discard && runId === undefined) await refuseAmbiguousDiscard(repo.root);
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
      const remote = config.executor.remote;
      if (remote !== undefined) {
        const anyLeft = outcome.plan.keep.length + outcome.skipped.length > 0;
        const cleaned = flags.discard ? 'all' : new Set(outcome.removed);
        await cleanRemote(repo.root, remote, record.runId, cleaned, anyLeft);
      }
    });
}

/** The run's refs on the queue's git remote (`executor.remote`); its code is loaded only here. */
async function cleanRemote(
  repo: string,
  remote: string,
  runId: string,
  cleaned: Set<string> | 'all',
  anyLeft: boolean,
): Promise<void> {
  const { deleteRunRefs, displayRemote } = await import('../../executor/queue/remote-git.js');
  try {
    const count = await deleteRunRefs(repo, remote, runId, cleaned, anyLeft);
    if (count > 0)
      process.stdout.write(`removed ${count} ref(s) of run ${runId} on ${displayRemote(remote)}\n`);
  } catch (error) {
    throw new MaestroError(
      `${(error as Error).message}; run \`maestro clean ${runId}\` again once the remote is reachable.`,
    );
  }
}

/** Discarding deletes unmerged work: without an id it must be clear which run is meant. */
async function refuseAmbiguousDiscard(repo: string): Promise<void> {
  const withTasks: string[] = [];
  for (const run of await listRuns(repo)) {
    const branches = await listBranches(repo, `${runBranchPrefix(run.runId)}tasks/`);
    if (branches.size > 0) withTasks.push(run.runId);
  }
  if (withTasks.length > 1) {
    throw new UsageError(
      `${withTasks.length} runs still have task branches (${withTasks.join(', ')}): name the one to discard, e.g. maestro clean --discard ${withTasks[0]}`,
    );
  }
}
