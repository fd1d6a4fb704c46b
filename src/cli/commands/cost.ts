import type { Command } from 'commander';
import { findRepo, loadRepoConfig, type GlobalOptions } from '../context.js';
import { listRuns, readRun } from '../../orchestrator/runs.js';
import { costReport, type CostLine, type RunCost } from '../../orchestrator/cost-report.js';
import { UsageError } from '../../errors.js';
import { inertText } from '../../util/terminal-text.js';

export function registerCost(program: Command): void {
  program
    .command('cost [runId]')
    .description('tokens and dollars per run, task, agent and model, with cache savings and budget used')
    .option('--since <date>', 'every run started on or after this date (YYYY-MM-DD or ISO time)')
    .option('--json', 'print JSON')
    .action(
      async (runId: string | undefined, options: { since?: string; json?: boolean }, command: Command) => {
        const repo = await findRepo(process.cwd());
        const { config } = await loadRepoConfig(repo, command.optsWithGlobals<GlobalOptions>());
        let runs;
        if (options.since !== undefined) {
          const since = Date.parse(options.since);
          if (Number.isNaN(since))
            throw new UsageError(`--since ${options.since} is not a date; use YYYY-MM-DD`);
          runs = (await listRuns(repo.root))
            .filter((run) => Date.parse(run.events[0]?.time ?? '') >= since)
            .reverse();
        } else {
          runs = [await readRun(repo.root, runId)];
        }
        const report = costReport(runs, config.pricing);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        const out: string[] = [];
        for (const run of report.runs) out.push(...renderRun(run), '');
        if (report.runs.length > 1) out.push(`all ${report.runs.length} runs: ${line(report.total)}`);
        if (report.runs.length === 0) out.push(`no runs since ${options.since ?? ''}`);
        process.stdout.write(`${inertText(out.join('\n').trimEnd())}\n`);
      },
    );
}

function usd(value: number): string {
  return `$${value.toFixed(value < 1 ? 4 : 2)}`;
}

function line(cost: CostLine): string {
  const u = cost.usage;
  const tokens = `in ${u.inputTokens}  cached ${u.cachedInputTokens}  cache-write ${u.cacheWriteTokens}  out ${u.outputTokens}`;
  return `${usd(cost.usd)}${cost.priceUnknown ? ' (some prices unknown)' : ''}  ${tokens}  saved ${usd(cost.savedUsd)}`;
}

function renderRun(run: RunCost): string[] {
  const budget =
    run.budget.runUsd === null
      ? 'no run budget'
      : `budget ${usd(run.budget.runUsd)}, ${Math.round((run.budgetUsed ?? 0) * 100)}% used`;
  const rows = [`run ${run.runId}  ${run.objective}`.trimEnd(), `  total  ${line(run.total)}  (${budget})`];
  const section = (title: string, entries: Record<string, CostLine>): void => {
    const keys = Object.keys(entries);
    if (keys.length === 0) return;
    const width = Math.max(...keys.map((k) => k.length));
    rows.push(`  ${title}`);
    for (const key of keys) rows.push(`    ${key.padEnd(width)}  ${line(entries[key] as CostLine)}`);
  };
  section('by task', run.byTask);
  section('by agent', run.byAgent);
  section('by model', run.byModel);
  return rows;
}
