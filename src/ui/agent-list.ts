import type { TaskState } from '../events.js';
import { checkExhaustive } from '../errors.js';
import type { RunView } from './store/run-state.js';

/**
 * Which agents the agents pane lists (a state filter cycled with `f`, and the text filter typed
 * after `/`), and which slice of them fits its rows.
 */
export type StateFilter = 'all' | 'running' | 'waiting' | 'failed' | 'conflicted' | 'merged';

export const stateFilters: readonly StateFilter[] = [
  'all',
  'running',
  'waiting',
  'failed',
  'conflicted',
  'merged',
];

export function nextStateFilter(filter: StateFilter): StateFilter {
  return stateFilters[(stateFilters.indexOf(filter) + 1) % stateFilters.length] ?? 'all';
}

/** The states each filter lets through: "running" is every state that holds an agent slot. */
export function inStateFilter(filter: StateFilter, state: TaskState): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'running':
      return (
        state === 'starting' ||
        state === 'running' ||
        state === 'paused' ||
        state === 'validating' ||
        state === 'merging'
      );
    case 'waiting':
      return state === 'pending' || state === 'blocked';
    case 'failed':
      return state === 'failed' || state === 'stopped';
    case 'conflicted':
    case 'merged':
      return state === filter;
    default:
      return checkExhaustive(filter);
  }
}

/** Agent ids that pass both filters (text against task id, title and state), in plan order. */
export function filterIds(view: RunView, filter: string, state: StateFilter = 'all'): string[] {
  const needle = filter.trim().toLowerCase();
  if (!needle && state === 'all') return view.order;
  return view.order.filter((id) => {
    const task = view.tasks.get(id);
    if (!task) return false;
    if (!inStateFilter(state, task.state)) return false;
    return !needle || `${id} ${task.title} ${task.state}`.toLowerCase().includes(needle);
  });
}

/** "running /api": the filters in force, for the pane's title; empty when none is. */
export function filterLabel(filter: string, state: StateFilter): string {
  const parts = [state === 'all' ? '' : state, filter ? `/${filter}` : ''].filter(Boolean);
  return parts.join(' ');
}

export interface AgentWindow {
  /** Index of the first agent row shown. */
  top: number;
  /** How many agent rows are shown. */
  count: number;
  /** Agents hidden above and below (each shown as one "↑ N more" / "↓ N more" row). */
  above: number;
  below: number;
}

/**
 * The slice of `total` agents that fits `rows` rows with the one at `at` in it, moving the
 * previous `top` as little as possible (the list scrolls at its edges, as a pager does). A row
 * says how many agents are hidden above and below; below 3 rows there is no room for those.
 */
export function agentWindow(total: number, at: number, rows: number, top: number): AgentWindow {
  if (rows <= 0 || total === 0) return { top: 0, count: 0, above: 0, below: 0 };
  if (total <= rows) return { top: 0, count: total, above: 0, below: 0 };
  const cursor = Math.min(total - 1, Math.max(0, at));
  if (rows < 3) {
    const first = Math.min(Math.max(top, cursor - rows + 1), cursor, total - rows);
    return { top: first, count: rows, above: 0, below: 0 };
  }
  // Agent rows left once the hint rows are drawn, for a window starting at `start`.
  const fits = (start: number): number => {
    const room = rows - (start > 0 ? 1 : 0);
    return start + room >= total ? total - start : room - 1;
  };
  // The last start that leaves no empty rows: an "↑" hint, then the final rows - 1 agents.
  let first = Math.min(Math.max(0, top), total - (rows - 1));
  if (cursor < first) first = cursor;
  while (cursor >= first + fits(first)) first += 1;
  const count = fits(first);
  return { top: first, count, above: first, below: total - first - count };
}

/** Agent rows a page key moves by: the rows between the two hint rows. */
export function agentPage(rows: number): number {
  return Math.max(1, rows - 2);
}
