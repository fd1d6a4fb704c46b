import type { RunCommand } from './run-control.js';
import { commandFor, type KeyPress } from './keymap.js';
import { activeCount, isActive, type RunView } from './store/run-state.js';
import { reduceUi, type UiAction, type UiState } from './store/ui-state.js';
import { agentPage } from './agent-list.js';

export type QuitOutcome = 'detach' | 'stop';

/** Side effects a key asks for; the App carries them out. */
export type Effect =
  | { type: 'shell'; taskId: string }
  | { type: 'diff'; taskId: string }
  | { type: 'control'; command: RunCommand }
  | { type: 'quit'; outcome: QuitOutcome };

export interface KeyResult {
  actions: UiAction[];
  effect?: Effect;
  /** False when the key means nothing here (another handler may take it). */
  handled: boolean;
}

export interface KeyContext {
  ui: UiState;
  view: RunView;
  /** Agent ids after the filter, in display order. */
  ids: readonly string[];
  /** Rows of the scrolled area (activity pane or full view), for page keys. */
  pageRows: number;
  /** Rows of the agents pane's list, so moving the selection scrolls it. */
  agentRows: number;
  canReview: boolean;
}

const done = (actions: UiAction[] = [], effect?: Effect): KeyResult => ({ actions, effect, handled: true });
const notice = (text: string): KeyResult => done([{ type: 'notice', text }]);
const ignored: KeyResult = { actions: [], handled: false };

/**
 * What a key does in the dashboard, as a pure function of the key and the state. Ink hands over
 * printable keys read in one chunk as one string ("kkk" when keys repeat faster than a busy
 * process reads them): outside text entry each is its own key, up to the first with an effect.
 */
export function dashboardKey(key: KeyPress, ctx: KeyContext): KeyResult {
  const chars = [...key.input];
  if (chars.length <= 1 || key.ctrl || ctx.ui.mode === 'filter' || !keyedMode(ctx.ui.mode)) {
    return singleKey(key, ctx);
  }
  const actions: UiAction[] = [];
  let ui = ctx.ui;
  let handled = false;
  for (const [index, input] of chars.entries()) {
    if (ui.mode === 'filter' || !keyedMode(ui.mode)) {
      // The rest is text for the prompt that the keys so far opened.
      return merge(
        actions,
        handled,
        singleKey({ ...key, input: chars.slice(index).join('') }, { ...ctx, ui }),
      );
    }
    const result = singleKey({ ...key, input }, { ...ctx, ui });
    actions.push(...result.actions);
    handled ||= result.handled;
    if (result.effect) return { actions, effect: result.effect, handled: true };
    ui = result.actions.reduce(reduceUi, ui);
  }
  return { actions, handled };
}

function merge(actions: UiAction[], handled: boolean, rest: KeyResult): KeyResult {
  return { ...rest, actions: [...actions, ...rest.actions], handled: handled || rest.handled };
}

/** Modes whose keys this module reads (the others' components own theirs). */
function keyedMode(mode: UiState['mode']): boolean {
  return mode !== 'review' && mode !== 'prompt' && mode !== 'plan-approval';
}

function singleKey(key: KeyPress, ctx: KeyContext): KeyResult {
  switch (ctx.ui.mode) {
    case 'normal':
      return normalKey(key, ctx);
    case 'filter':
      return filterKey(key, ctx);
    case 'confirm-quit':
      if (key.input === 'd') return done([], { type: 'quit', outcome: 'detach' });
      if (key.input === 's') return done([], { type: 'quit', outcome: 'stop' });
      if (key.escape || key.input === 'n' || key.input === 'q') return done([{ type: 'close' }]);
      return done();
    case 'help':
    case 'merge':
    case 'diff':
      return viewKey(key, ctx);
    case 'review':
    case 'prompt':
    case 'plan-approval':
      // Their own components own the keys.
      return ignored;
    default:
      return ignored;
  }
}

function viewKey(key: KeyPress, ctx: KeyContext): KeyResult {
  const command = commandFor(key);
  const closers = { help: 'help', merge: 'merge', diff: 'diff' } as const;
  if (
    command === 'back' ||
    command === 'quit' ||
    command === (closers as Record<string, string>)[ctx.ui.mode]
  ) {
    return done([{ type: 'close' }]);
  }
  if (command === 'down') return done([{ type: 'scroll', delta: 1 }]);
  if (command === 'up') return done([{ type: 'scroll', delta: -1 }]);
  if (command === 'page-down') return done([{ type: 'scroll', delta: ctx.pageRows }]);
  if (command === 'page-up') return done([{ type: 'scroll', delta: -ctx.pageRows }]);
  return done();
}

function filterKey(key: KeyPress, ctx: KeyContext): KeyResult {
  if (key.escape) return done([{ type: 'filter-clear' }]);
  if (key.return) return done([{ type: 'close' }]);
  if (key.backspace || key.delete) return done([{ type: 'filter-erase' }]);
  if (key.upArrow) return done([move(-1, ctx)]);
  if (key.downArrow) return done([move(1, ctx)]);
  if (!key.ctrl && key.input && !key.tab && ![...key.input].some((char) => char.charCodeAt(0) < 32)) {
    return done([{ type: 'filter-type', text: key.input }]);
  }
  return done();
}

function move(delta: number, ctx: KeyContext): UiAction {
  return { type: 'move', delta, ids: ctx.ids, rows: ctx.agentRows };
}

function normalKey(key: KeyPress, ctx: KeyContext): KeyResult {
  const command = commandFor(key);
  if (command === undefined) return ignored;
  const { ui, view } = ctx;
  const task = ui.selected ? view.tasks.get(ui.selected) : undefined;
  const scrolling = ui.pane === 'activity';
  // Page keys page the agents list while it has the focus, and the activity log otherwise.
  const paging = ui.pane === 'agents';
  const page = agentPage(ctx.agentRows);
  switch (command) {
    case 'up':
      return done([scrolling ? { type: 'scroll', delta: 1 } : move(-1, ctx)]);
    case 'down':
      return done([scrolling ? { type: 'scroll', delta: -1 } : move(1, ctx)]);
    case 'page-up':
      return done([paging ? move(-page, ctx) : { type: 'scroll', delta: ctx.pageRows }]);
    case 'page-down':
      return done([paging ? move(page, ctx) : { type: 'scroll', delta: -ctx.pageRows }]);
    case 'first':
      return done([move(-ctx.ids.length, ctx)]);
    case 'last':
      return done([move(ctx.ids.length, ctx)]);
    case 'state-filter':
      return done([{ type: 'state-filter-next' }]);
    case 'next-pane':
      return done([{ type: 'pane', delta: 1 }]);
    case 'prev-pane':
      return done([{ type: 'pane', delta: -1 }]);
    case 'focus':
      return done([{ type: 'focus' }]);
    case 'shell':
      if (!task) return notice('select an agent first');
      if (!task.worktree) return notice(`${task.id} has no worktree yet`);
      // Its worktree may be the next task's already (a committed task lends it); its work is on its branch.
      if (task.state === 'merging')
        return notice(`${task.id} is waiting to merge; its work is on ${task.branch ?? 'its branch'}`);
      return done([], { type: 'shell', taskId: task.id });
    case 'diff':
      if (!task) return notice('select an agent first');
      return done([{ type: 'open', mode: 'diff' }], { type: 'diff', taskId: task.id });
    case 'pause':
      if (!task) return notice('select an agent first');
      if (task.state === 'paused')
        return done([], { type: 'control', command: { type: 'resume', taskId: task.id } });
      if (isActive(task)) return done([], { type: 'control', command: { type: 'pause', taskId: task.id } });
      return notice(`${task.id} is not running`);
    case 'stop':
      if (!task) return notice('select an agent first');
      if (!isActive(task)) return notice(`${task.id} is not running`);
      return done([], { type: 'control', command: { type: 'stop', taskId: task.id } });
    case 'retry':
      if (!task) return notice('select an agent first');
      if (task.state !== 'failed' && task.state !== 'stopped') return notice(`${task.id} has not failed`);
      return done([], { type: 'control', command: { type: 'retry', taskId: task.id } });
    case 'merge':
      return done([{ type: 'open', mode: 'merge' }]);
    case 'review':
      if (!task || task.state !== 'conflicted') return notice('select a conflicted agent to review');
      if (!ctx.canReview) return notice('conflict review is not available here: use `maestro resolve`');
      return done([{ type: 'open', mode: 'review' }]);
    case 'filter':
      return done([{ type: 'open', mode: 'filter' }]);
    case 'help':
      return done([{ type: 'open', mode: 'help' }]);
    case 'back':
      if (ui.filter || ui.stateFilter !== 'all') return done([{ type: 'filter-clear' }]);
      if (ui.pinned) return done([{ type: 'unpin' }]);
      return done();
    case 'quit':
      if (view.phase !== 'finished' && activeCount(view) > 0)
        return done([{ type: 'open', mode: 'confirm-quit' }]);
      return done([], { type: 'quit', outcome: 'detach' });
    default:
      return ignored;
  }
}
