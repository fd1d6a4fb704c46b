import { checkExhaustive } from '../../errors.js';
import { agentWindow, nextStateFilter, type StateFilter } from '../agent-list.js';

/** One mode at a time: each dialog or full view is a member, never a boolean of its own. */
export type Mode =
  'normal' | 'help' | 'filter' | 'confirm-quit' | 'diff' | 'merge' | 'review' | 'plan-approval' | 'prompt';

export type Pane = 'agents' | 'activity' | 'plan' | 'feed';

export const panes: readonly Pane[] = ['agents', 'activity', 'plan', 'feed'];

export interface UiState {
  mode: Mode;
  pane: Pane;
  /** The agent row under the cursor. */
  selected: string | undefined;
  /** The agent whose activity is shown; follows the selection until `enter` pins one. */
  focused: string | undefined;
  pinned: boolean;
  filter: string;
  stateFilter: StateFilter;
  /** The first agent row the agents pane shows (it scrolls to keep the selection in view). */
  agentsTop: number;
  /** Lines scrolled back from the live tail in the activity pane, or down from the top in a full view. */
  scroll: number;
  /** A one-line message in the footer (e.g. "no worktree yet"). */
  notice: string | undefined;
}

export type UiAction =
  /** `rows`: agent rows of the pane, so the list scrolls with the selection. */
  | { type: 'move'; delta: number; ids: readonly string[]; rows: number }
  | { type: 'sync'; ids: readonly string[] }
  | { type: 'pane'; delta: 1 | -1 }
  | { type: 'focus' }
  | { type: 'unpin' }
  | { type: 'open'; mode: Mode }
  | { type: 'close' }
  | { type: 'filter-type'; text: string }
  | { type: 'filter-erase' }
  | { type: 'filter-clear' }
  | { type: 'state-filter-next' }
  | { type: 'scroll'; delta: number }
  | { type: 'notice'; text: string | undefined };

export function initialUiState(mode: Mode = 'normal'): UiState {
  return {
    mode,
    pane: 'agents',
    selected: undefined,
    focused: undefined,
    pinned: false,
    filter: '',
    stateFilter: 'all',
    agentsTop: 0,
    scroll: 0,
    notice: undefined,
  };
}

function follow(state: UiState, selected: string | undefined): UiState {
  return { ...state, selected, focused: state.pinned ? state.focused : selected, scroll: 0 };
}

export function reduceUi(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'move': {
      if (action.ids.length === 0) return state;
      const at = state.selected === undefined ? -1 : action.ids.indexOf(state.selected);
      const start = at === -1 ? (action.delta > 0 ? -1 : action.ids.length) : at;
      const index = Math.min(action.ids.length - 1, Math.max(0, start + action.delta));
      const { top } = agentWindow(action.ids.length, index, action.rows, state.agentsTop);
      return follow({ ...state, notice: undefined, agentsTop: top }, action.ids[index]);
    }
    case 'sync': {
      // Keep a valid selection as tasks appear or the filter hides the selected one.
      if (state.selected !== undefined && action.ids.includes(state.selected)) return state;
      const next = follow(state, action.ids[0]);
      return state.pinned && state.focused !== undefined ? { ...next, focused: state.focused } : next;
    }
    case 'pane': {
      const index = panes.indexOf(state.pane);
      const pane = panes[(index + action.delta + panes.length) % panes.length] ?? 'agents';
      return { ...state, pane, scroll: 0 };
    }
    case 'focus':
      if (state.selected === undefined) return state;
      // Enter on the pinned agent unpins, so the activity follows the cursor again.
      if (state.pinned && state.focused === state.selected) return { ...state, pinned: false };
      return { ...state, focused: state.selected, pinned: true, pane: 'activity', scroll: 0 };
    case 'unpin':
      return { ...state, pinned: false, focused: state.selected, scroll: 0 };
    case 'open':
      return { ...state, mode: action.mode, scroll: 0, notice: undefined };
    case 'close':
      return { ...state, mode: 'normal', scroll: 0 };
    case 'filter-type':
      return { ...state, filter: state.filter + action.text };
    case 'filter-erase':
      return { ...state, filter: state.filter.slice(0, -1) };
    case 'filter-clear':
      // Escape clears what it is asked to: the typed text while typing, every filter otherwise.
      return state.mode === 'filter'
        ? { ...state, filter: '', mode: 'normal' }
        : { ...state, filter: '', stateFilter: 'all', mode: 'normal' };
    case 'state-filter-next':
      return { ...state, stateFilter: nextStateFilter(state.stateFilter), notice: undefined };
    case 'scroll':
      return { ...state, scroll: Math.max(0, state.scroll + action.delta) };
    case 'notice':
      return { ...state, notice: action.text };
    default:
      return checkExhaustive(action);
  }
}
