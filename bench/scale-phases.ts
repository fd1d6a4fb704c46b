/** Where a task's time went, from the run's `--json` events: each phase's median and 90th percentile. */
export interface TimedEvent {
  type: string;
  time?: string;
  taskId?: string;
  ms?: number;
}

const phases = [
  ['started → worktree ready', 'task.started', 'task.worktree_ready'],
  ['worktree ready → agent finished', 'task.worktree_ready', 'agent.finished'],
  ['agent finished → committed', 'agent.finished', 'task.committed'],
  ['committed → merged', 'task.committed', 'task.merged'],
] as const;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

export function phaseLines(events: TimedEvent[], runStartedAt: number): string[] {
  // The first time each task reached each event (a retried task keeps its first start).
  const at = new Map<string, Map<string, number>>();
  for (const event of events) {
    if (!event.taskId || !event.time) continue;
    const task = at.get(event.taskId) ?? new Map<string, number>();
    at.set(event.taskId, task);
    if (!task.has(event.type)) task.set(event.type, Date.parse(event.time));
  }
  const lines = phases.map(([label, from, to]) => {
    const spans = [...at.values()]
      .map((task) => (task.get(to) ?? NaN) - (task.get(from) ?? NaN))
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    return `    ${label}: median ${s(quantile(spans, 0.5))}, p90 ${s(quantile(spans, 0.9))} (${spans.length} tasks)`;
  });
  const merges = [...at.values()].map((task) => task.get('task.merged') ?? NaN).filter(Number.isFinite);
  const ready = [...at.values()]
    .map((task) => task.get('task.worktree_ready') ?? NaN)
    .filter(Number.isFinite);
  ready.sort((a, b) => a - b);
  const since = (ms: number): string => `${((ms - runStartedAt) / 1000).toFixed(1)} s`;
  const slots = Math.min(ready.length, 50);
  if (slots > 0) lines.push(`    the first ${slots} worktrees ready by ${since(ready[slots - 1] ?? NaN)}`);
  if (merges.length > 0) lines.push(`    last merge at ${since(Math.max(...merges))}`);
  return lines;
}
