import type { RunOutcome, RunState } from '../../orchestrator/run-state.js';
import { tasksIn } from '../../orchestrator/run-state.js';

/** Exit codes of a run: 0 all merged, 1 failed/blocked/stopped, 3 conflicts await review (2 is bad usage). */
export function exitCodeFor(outcome: RunOutcome | undefined): number {
  switch (outcome) {
    case 'merged':
      return 0;
    case 'conflicts':
      return 3;
    case 'failed':
    case 'stopped':
    case undefined:
      return 1;
  }
}

export function usd(value: number): string {
  return `$${value.toFixed(value < 1 ? 4 : 2)}`;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** The end of a run in a few lines: result branch, what merged, conflicts, cost, time, what to do next. */
export function formatSummary(state: RunState): string {
  const branch = state.resultBranch ?? `maestro/${state.runId}/result`;
  const merged = tasksIn(state, 'merged');
  const conflicted = tasksIn(state, 'conflicted');
  const failed = tasksIn(state, 'failed', 'stopped');
  const blocked = tasksIn(state, 'blocked');
  const waiting = tasksIn(state, 'pending');
  const elapsed =
    state.startedAt && state.finishedAt ? Date.parse(state.finishedAt) - Date.parse(state.startedAt) : 0;
  const lines = [
    `run ${state.runId} ${state.outcome ?? state.phase}: ${merged.length}/${state.order.length} tasks merged into ${branch}`,
  ];
  if (merged.length > 0) lines.push(`  merged:     ${merged.join(', ')}`);
  const structured = structuredFiles(state);
  if (structured.length > 0) lines.push(`  merged by structure: ${structured.join(', ')}`);
  if (conflicted.length > 0) {
    const files = conflicted.map(
      (id) => `${id} (${(state.tasks[id]?.conflict?.files ?? []).map((f) => f.path).join(', ')})`,
    );
    lines.push(`  conflicts:  ${files.join('; ')}`);
  }
  for (const id of failed)
    lines.push(
      `  ${state.tasks[id]?.state}:${' '.repeat(11 - (state.tasks[id]?.state.length ?? 0))}${id}: ${state.tasks[id]?.reason ?? ''}`,
    );
  if (blocked.length > 0) lines.push(`  blocked:    ${blocked.join(', ')}`);
  if (waiting.length > 0) lines.push(`  not run:    ${waiting.join(', ')}`);
  if (state.budgetExceeded)
    lines.push(
      `  budget:     ${usd(state.budgetExceeded.limitUsd)} ${state.budgetExceeded.scope} cap reached`,
    );
  const cap = state.budget.runUsd === null ? '' : ` (budget ${usd(state.budget.runUsd)})`;
  lines.push(`  cost ${usd(state.costUsd)}${cap}, time ${duration(elapsed)}`);
  lines.push(`  next: ${nextStep(state, branch)}`);
  return lines.join('\n');
}

/** `path (task)` for every file a structured merge settled, in run order. */
export function structuredFiles(state: RunState): string[] {
  return state.order.flatMap((id) => (state.tasks[id]?.structured ?? []).map((path) => `${path} (${id})`));
}

function nextStep(state: RunState, branch: string): string {
  switch (state.outcome) {
    case 'conflicts':
      return `review the conflicts with \`maestro resolve ${state.runId}\` (or \`maestro tui\`)`;
    case 'stopped':
      return state.budgetExceeded?.scope === 'run'
        ? `continue with a budget above ${usd(state.costUsd)}: \`maestro resume ${state.runId} --budget <usd>\``
        : `continue with \`maestro resume ${state.runId}\``;
    case 'failed':
      return `see why with \`maestro status ${state.runId}\`; what merged is on ${branch} (\`git diff ${state.baseRef ?? 'HEAD'}...${branch}\`)`;
    case 'merged':
    case undefined:
      return `review with \`git diff ${state.baseRef ?? 'HEAD'}...${branch}\`, then \`git switch ${branch}\``;
  }
}
