import type { Command } from 'commander';
import { findRepo } from '../context.js';
import { readRun } from '../../orchestrator/runs.js';
import { formatSummary, usd } from '../reporters/summary.js';
import type { RunState } from '../../orchestrator/run-state.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'where a run stands: every task, its state, cost and why it stopped (default: the latest run)',
    )
    .argument('[runId]', 'the run (see maestro runs)')
    .option('--json', 'print the run state as JSON')
    .action(async (runId: string | undefined, flags: { json?: boolean }) => {
      const repo = await findRepo(process.cwd());
      const record = await readRun(repo.root, runId);
      if (flags.json) {
        const live = record.liveLock ? { pid: record.liveLock.pid } : null;
        process.stdout.write(
          `${JSON.stringify({ ...record.state, live, tornTail: record.tornTail }, null, 2)}\n`,
        );
        return;
      }
      const lines = [formatStatus(record.state)];
      if (record.liveLock) lines.push(`running now in process ${record.liveLock.pid}`);
      else if (record.state.phase !== 'finished')
        lines.push(`not running (it was interrupted): continue with maestro resume ${record.runId}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
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
