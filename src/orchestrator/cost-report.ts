import type { PricingEntry } from '../config/schema.js';
import { priceOf } from '../llm/pricing.js';
import { addUsage, emptyUsage, type Usage } from '../llm/types.js';
import type { RunEvent } from '../events.js';

/** Tokens and dollars of one slice of a report (a run, task, agent or model). */
export interface CostLine {
  usage: Usage;
  usd: number;
  /** What caching saved against paying full input price for every cached token (net of cache-write premiums). */
  savedUsd: number;
  /** true when some usage was for a model without a known price. */
  priceUnknown: boolean;
}

export interface RunCost {
  runId: string;
  startedAt: string;
  objective: string;
  total: CostLine;
  budget: { runUsd: number | null; taskUsd: number | null };
  /** Share of the run budget used, 0..1+, or null without a run budget. */
  budgetUsed: number | null;
  byTask: Record<string, CostLine>;
  byAgent: Record<string, CostLine>;
  byModel: Record<string, CostLine>;
}

export interface CostReport {
  runs: RunCost[];
  total: CostLine;
}

function emptyLine(): CostLine {
  return { usage: emptyUsage(), usd: 0, savedUsd: 0, priceUnknown: false };
}

function add(line: CostLine, usage: Usage, usd: number, savedUsd: number, unknown: boolean): CostLine {
  return {
    usage: addUsage(line.usage, usage),
    usd: line.usd + usd,
    savedUsd: line.savedUsd + savedUsd,
    priceUnknown: line.priceUnknown || unknown,
  };
}

/**
 * Cost of runs from their journals. Dollars are the amounts recorded when each turn was charged
 * (what the budget saw); savings are computed from the price table with config overrides.
 */
export function costReport(
  runs: readonly { runId: string; events: readonly RunEvent[] }[],
  pricing: Record<string, PricingEntry> = {},
): CostReport {
  const reports = runs.map(({ runId, events }) => runCost(runId, events, pricing));
  const total = reports.reduce(
    (sum, run) => add(sum, run.total.usage, run.total.usd, run.total.savedUsd, run.total.priceUnknown),
    emptyLine(),
  );
  return { runs: reports, total };
}

function runCost(runId: string, events: readonly RunEvent[], pricing: Record<string, PricingEntry>): RunCost {
  const agentOf = new Map<string, string>();
  let runModel = 'unknown';
  const run: RunCost = {
    runId,
    startedAt: events[0]?.time ?? '',
    objective: '',
    total: emptyLine(),
    budget: { runUsd: null, taskUsd: null },
    budgetUsed: null,
    byTask: {},
    byAgent: {},
    byModel: {},
  };
  const charge = (taskId: string, model: string, usage: Usage, usd: number): void => {
    const { price, known } = priceOf(model, pricing);
    const saved =
      (usage.cachedInputTokens * (price.input - price.cachedInput) -
        usage.cacheWriteTokens * (price.cacheWrite - price.input)) /
      1_000_000;
    const agent = agentOf.get(taskId) ?? taskId;
    run.total = add(run.total, usage, usd, saved, !known);
    run.byTask[taskId] = add(run.byTask[taskId] ?? emptyLine(), usage, usd, saved, !known);
    run.byAgent[agent] = add(run.byAgent[agent] ?? emptyLine(), usage, usd, saved, !known);
    run.byModel[model] = add(run.byModel[model] ?? emptyLine(), usage, usd, saved, !known);
  };
  for (const event of events) {
    if (event.type === 'run.started') {
      run.objective = event.objective;
      run.budget = event.budget;
      run.startedAt = event.time;
      runModel = event.model;
    } else if (event.type === 'budget.changed') {
      run.budget = event.budget;
    } else if (event.type === 'task.started') {
      // An agent on a queue worker is named with its worker: `t1.1@build-3`.
      agentOf.set(event.taskId, event.worker ? `${event.agentId}@${event.worker}` : event.agentId);
    } else if (event.type === 'agent.usage') {
      charge(event.taskId, event.model, event.usage, event.costUsd);
    } else if (event.type === 'plan.ready' && event.usage) {
      // The planner runs on the run's model.
      charge('(planner)', runModel, event.usage, event.costUsd ?? 0);
    }
  }
  run.budgetUsed = run.budget.runUsd ? run.total.usd / run.budget.runUsd : null;
  return run;
}
