import type { Command } from 'commander';
import { join } from 'node:path';
import { findRepo, loadRepoConfig, type GlobalOptions } from '../context.js';
import { inspectRepo } from '../../git/repo.js';
import { worktreeRoot } from '../../git/worktree-paths.js';
import { formatBytes, worktreeDisk, type DiskUsage } from '../../git/worktree-disk.js';
import { readRun } from '../../orchestrator/runs.js';
import { formatSummary, usd } from '../reporters/summary.js';
import type { RunState } from '../../orchestrator/run-state.js';
import { inertJson, inertText } from '../../util/terminal-text.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'where a run stands: every task, its state, cost and why it stopped (default: the latest run)',
    )
    .argument('[runId]', 'the run (see maestro runs)')
    .option('--json', 'print the run state as JSON')
    .action(async (runId: string | undefined, flags: { json?: boolean }, command: Command) => {
      const repo = await findRepo(process.cwd());
      const record = await readRun(repo.root, runId);
      const { config } = await loadRepoConfig(repo, command.optsWithGlobals<GlobalOptions>());
      const folder = join(worktreeRoot(await inspectRepo(repo.root), config.worktreeDir), record.runId);
      const disk = await worktreeDisk(folder);
      if (flags.json) {
        const live = record.liveLock ? { pid: record.liveLock.pid } : null;
        const worktreeDisk = { folder, ...disk };
        process.stdout.write(
          `${inertJson(JSON.stringify({ ...record.state, live, tornTail: record.tornTail, worktreeDisk }, null, 2))}\n`,
        );
        return;
      }
      const lines = [formatStatus(record.state), formatDisk(folder, disk)];
      if (record.liveLock) lines.push(`running now in process ${record.liveLock.pid}`);
      else if (record.state.phase !== 'finished')
        lines.push(`not running (it was interrupted): continue with maestro resume ${record.runId}`);
      process.stdout.write(`${inertText(lines.join('\n'))}\n`);
    });
}

export function formatDisk(folder: string, disk: DiskUsage): string {
  if (disk.worktrees === 0) return `worktrees: none left on disk (${folder})`;
  const noun = disk.worktrees === 1 ? 'worktree' : 'worktrees';
  return `worktrees: ${disk.worktrees} ${noun}, ${formatBytes(disk.bytes)} on disk in ${folder}`;
}

export function formatStatus(state: RunState): string {
  const width = Math.max(4, ...state.order.map((id) => id.length));
  const rows = state.order.map((id) => {
    const task = state.tasks[id];
    if (!task) return id;
    const why =
      task.reason ??
      (task.blockedBy
        ? `blocked by ${task.blockedBy.join(', ')}`
        : task.conflict
          ? `conflict in ${task.conflict.files.map((f) => f.path).join(', ')}`
          : task.structured.length > 0
            ? `merged by structure: ${task.structured.join(', ')}`
            : '');
    return `  ${id.padEnd(width)}  ${task.state.padEnd(10)}  ${usd(task.costUsd).padStart(8)}  ${task.worker ? `@${task.worker}  ` : ''}${task.attempt > 1 ? `attempt ${task.attempt}  ` : ''}${why}`.trimEnd();
  });
  return [`${state.objective || '(no objective)'}`, ...rows, formatSummary(state)].join('\n');
}
