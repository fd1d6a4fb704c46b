import type { Command } from 'commander';
import { findRepo } from '../context.js';
import { listRuns } from '../../orchestrator/runs.js';
import { tasksIn } from '../../orchestrator/run-state.js';
import { usd } from '../reporters/summary.js';
import { inertJson, inertLine } from '../../util/terminal-text.js';

export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('list the runs of this repository, newest first')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const repo = await findRepo(process.cwd());
      const runs = await listRuns(repo.root);
      const rows = runs.map(({ runId, state, liveLock }) => ({
        runId,
        status: liveLock
          ? 'running'
          : (state.outcome ?? (state.phase === 'finished' ? 'finished' : 'interrupted')),
        merged: tasksIn(state, 'merged').length,
        tasks: state.order.length,
        costUsd: state.costUsd,
        resultBranch: state.resultBranch ?? null,
        objective: state.objective,
      }));
      if (flags.json) {
        process.stdout.write(`${inertJson(JSON.stringify(rows, null, 2))}\n`);
        return;
      }
      if (rows.length === 0) {
        process.stdout.write('no runs yet; start one with maestro run --task "..."\n');
        return;
      }
      for (const row of rows) {
        process.stdout.write(
          `${row.runId}  ${row.status.padEnd(11)}  ${`${row.merged}/${row.tasks}`.padStart(5)} merged  ${usd(row.costUsd).padStart(8)}  ${inertLine(row.objective)}\n`,
        );
      }
    });
}
