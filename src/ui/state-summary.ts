import type { TaskState } from '../events.js';
import type { RunView } from './store/run-state.js';

/**
 * The footer's count of agents by state ("50 agents · 38 running · 6 merged · 1 failed"): with 50
 * agents the agents pane shows a slice, and this line says where the whole run stands.
 */
interface StateWords {
  state: TaskState;
  long: string;
  short: string;
}

/** In the order the footer lists them: work in progress first, then how tasks ended. */
const states: readonly StateWords[] = [
  { state: 'running', long: 'running', short: 'run' },
  { state: 'starting', long: 'starting', short: 'start' },
  { state: 'validating', long: 'validating', short: 'valid' },
  { state: 'merging', long: 'merging', short: 'merg' },
  { state: 'paused', long: 'paused', short: 'paus' },
  { state: 'pending', long: 'pending', short: 'pend' },
  { state: 'blocked', long: 'blocked', short: 'blkd' },
  { state: 'merged', long: 'merged', short: 'mrgd' },
  { state: 'conflicted', long: 'conflicted', short: 'cnfl' },
  { state: 'failed', long: 'failed', short: 'fail' },
  { state: 'stopped', long: 'stopped', short: 'stop' },
];

/** Which counts stay longest when the line is too narrow: those that need the user first. */
const keepFirst: readonly TaskState[] = [
  'failed',
  'conflicted',
  'running',
  'merged',
  'pending',
  'paused',
  'stopped',
  'blocked',
  'starting',
  'validating',
  'merging',
];

/**
 * The counts in at most `width` columns: in words, then abbreviated, then without the states that
 * matter least (their sum kept as "+N"), then as much of the total as fits. Empty before the plan.
 */
export function stateSummary(view: RunView, width: number): string {
  const counts = new Map<TaskState, number>();
  for (const task of view.tasks.values()) counts.set(task.state, (counts.get(task.state) ?? 0) + 1);
  if (view.tasks.size === 0 || width <= 0) return '';
  const present = states.filter((words) => (counts.get(words.state) ?? 0) > 0);
  const line = (total: string, shown: readonly StateWords[], form: 'long' | 'short', rest = 0): string =>
    [
      total,
      ...shown.map((words) => `${counts.get(words.state) ?? 0} ${words[form]}`),
      ...(rest > 0 ? [`+${rest}`] : []),
    ].join(' · ');
  const total = view.tasks.size;
  const candidates = [
    line(`${total} agent${total === 1 ? '' : 's'}`, present, 'long'),
    line(`${total} agents`, present, 'short'),
    line(String(total), present, 'short'),
  ];
  const fitting = candidates.find((candidate) => candidate.length <= width);
  if (fitting !== undefined) return fitting;
  // Drop the least pressing states one by one, counting what they held.
  let kept = present;
  for (const state of [...keepFirst].reverse()) {
    if (!kept.some((words) => words.state === state)) continue;
    kept = kept.filter((words) => words.state !== state);
    const rest = total - kept.reduce((sum, words) => sum + (counts.get(words.state) ?? 0), 0);
    const candidate = line(String(total), kept, 'short', rest);
    if (candidate.length <= width) return candidate;
  }
  return String(total).length <= width ? String(total) : '';
}
