import { describe, expect, it } from 'vitest';
import { busyRun, eventFactory } from '../../test/ui/fixtures.js';
import { dashboardKey, type KeyContext } from './dashboard-keys.js';
import { initialRunView, reduceRun, reduceRunBatch, type RunView } from './store/run-state.js';
import { initialUiState, reduceUi, type Mode } from './store/ui-state.js';
import { commandFor, footerHelp, keymap, type KeyPress } from './keymap.js';

const view = reduceRunBatch(initialRunView(), busyRun());

function context(selected: string | undefined, mode: Mode = 'normal', runView: RunView = view): KeyContext {
  let ui = reduceUi(initialUiState(), { type: 'open', mode });
  ui = { ...ui, selected, focused: selected };
  return { ui, view: runView, ids: runView.order, pageRows: 10, agentRows: 6, canReview: true };
}

const key = (input: string, extra: Partial<KeyPress> = {}): KeyPress => ({ input, ...extra });

describe('keymap', () => {
  it('binds every command to at least one key, with no key bound twice', () => {
    const seen = new Set<string>();
    for (const binding of keymap) {
      expect(binding.keys.length).toBeGreaterThan(0);
      for (const spec of binding.keys) {
        const id = JSON.stringify(spec);
        expect(seen.has(id), id).toBe(false);
        seen.add(id);
      }
    }
  });

  it('resolves keys and arrows to commands', () => {
    expect(commandFor(key('j'))).toBe('down');
    expect(commandFor(key('', { upArrow: true }))).toBe('up');
    expect(commandFor(key('', { tab: true, shift: true }))).toBe('prev-pane');
    expect(commandFor(key('', { tab: true }))).toBe('next-pane');
    expect(commandFor(key('q', { ctrl: true }))).toBeUndefined();
  });

  it('writes the footer from the table, cut on whole entries', () => {
    expect(footerHelp(200)).toBe(
      'j/k move · tab pane · enter focus · s shell · d diff · p pause · x stop · r retry · m merge · c review · / filter · f state · q quit · ? help',
    );
    expect(footerHelp(30)).toBe('j/k move · tab pane · ? help');
    expect(footerHelp(5)).toBe('? help');
  });
});

describe('dashboard keys', () => {
  it.each([
    ['p', 'api', { type: 'control', command: { type: 'pause', taskId: 'api' } }],
    ['x', 'cli', { type: 'control', command: { type: 'stop', taskId: 'cli' } }],
    ['s', 'api', { type: 'shell', taskId: 'api' }],
    ['d', 'docs', { type: 'diff', taskId: 'docs' }],
  ])('%s on %s asks for %j', (input, selected, effect) => {
    expect(dashboardKey(key(input), context(selected)).effect).toEqual(effect);
  });

  it.each([
    ['p', 'docs', 'docs is not running'],
    ['x', 'docs', 'docs is not running'],
    ['r', 'api', 'api has not failed'],
    ['s', 'docs', 'docs has no worktree yet'],
    ['c', 'api', 'select a conflicted agent to review'],
    ['p', undefined, 'select an agent first'],
  ])('%s on %s explains: %s', (input, selected, text) => {
    const result = dashboardKey(key(input), context(selected));
    expect(result.effect).toBeUndefined();
    expect(result.actions).toEqual([{ type: 'notice', text }]);
  });

  it('opens no shell in the worktree of a task waiting to merge (it may be lent to the next task)', () => {
    const ev = eventFactory();
    const merging = reduceRun(view, {
      ...ev({ type: 'task.merging', taskId: 'api' }),
      seq: busyRun().length + 1,
    });
    const result = dashboardKey(key('s'), context('api', 'normal', merging));
    expect(result.effect).toBeUndefined();
    expect(result.actions).toEqual([
      { type: 'notice', text: `api is waiting to merge; its work is on ${merging.tasks.get('api')?.branch}` },
    ]);
    expect(merging.tasks.get('api')?.branch).toMatch(/api/);
  });

  it('resumes a paused agent and retries a failed one', () => {
    const ev = eventFactory();
    const base = busyRun();
    const paused = reduceRun(view, { ...ev({ type: 'task.paused', taskId: 'api' }), seq: base.length + 1 });
    expect(dashboardKey(key('p'), context('api', 'normal', paused)).effect).toEqual({
      type: 'control',
      command: { type: 'resume', taskId: 'api' },
    });
    const failed = reduceRun(view, {
      ...ev({ type: 'task.failed', taskId: 'api', reason: 'x' }),
      seq: base.length + 1,
    });
    expect(dashboardKey(key('r'), context('api', 'normal', failed)).effect).toEqual({
      type: 'control',
      command: { type: 'retry', taskId: 'api' },
    });
  });

  it('asks before quitting while agents run, and quits at once when none do', () => {
    expect(dashboardKey(key('q'), context('api')).actions).toEqual([{ type: 'open', mode: 'confirm-quit' }]);
    expect(dashboardKey(key('d'), context('api', 'confirm-quit')).effect).toEqual({
      type: 'quit',
      outcome: 'detach',
    });
    expect(dashboardKey(key('s'), context('api', 'confirm-quit')).effect).toEqual({
      type: 'quit',
      outcome: 'stop',
    });
    expect(dashboardKey(key('', { escape: true }), context('api', 'confirm-quit')).actions).toEqual([
      { type: 'close' },
    ]);
    const idle = reduceRunBatch(initialRunView(), busyRun().slice(0, 2));
    expect(dashboardKey(key('q'), context(undefined, 'normal', idle)).effect).toEqual({
      type: 'quit',
      outcome: 'detach',
    });
  });

  it('types into the filter and leaves it with enter or escape', () => {
    expect(dashboardKey(key('a'), context('api', 'filter')).actions).toEqual([
      { type: 'filter-type', text: 'a' },
    ]);
    expect(dashboardKey(key('', { backspace: true }), context('api', 'filter')).actions).toEqual([
      { type: 'filter-erase' },
    ]);
    expect(dashboardKey(key('', { return: true }), context('api', 'filter')).actions).toEqual([
      { type: 'close' },
    ]);
    expect(dashboardKey(key('', { escape: true }), context('api', 'filter')).actions).toEqual([
      { type: 'filter-clear' },
    ]);
  });

  it('scrolls full views and closes them with their own key or escape', () => {
    expect(dashboardKey(key('j'), context('api', 'diff')).actions).toEqual([{ type: 'scroll', delta: 1 }]);
    expect(dashboardKey(key('', { pageDown: true }), context('api', 'diff')).actions).toEqual([
      { type: 'scroll', delta: 10 },
    ]);
    expect(dashboardKey(key('d'), context('api', 'diff')).actions).toEqual([{ type: 'close' }]);
    expect(dashboardKey(key('?'), context('api', 'help')).actions).toEqual([{ type: 'close' }]);
    expect(dashboardKey(key('m'), context('api', 'help')).actions).toEqual([]);
  });

  it('pages the agents list while it has the focus, the activity otherwise; home and end jump', () => {
    const ids = view.order;
    const move = (delta: number) => [{ type: 'move', delta, ids, rows: 6 }];
    // Six rows hold four agents between the "more" rows: a page moves by four.
    expect(dashboardKey(key('', { pageDown: true }), context('api')).actions).toEqual(move(4));
    expect(dashboardKey(key('', { pageUp: true }), context('api')).actions).toEqual(move(-4));
    expect(dashboardKey(key('', { home: true }), context('api')).actions).toEqual(move(-3));
    expect(dashboardKey(key('G'), context('api')).actions).toEqual(move(3));
    const activity = { ...context('api'), ui: { ...context('api').ui, pane: 'activity' as const } };
    expect(dashboardKey(key('', { pageUp: true }), activity).actions).toEqual([
      { type: 'scroll', delta: 10 },
    ]);
  });

  it('cycles the state filter with f, and escape clears the filters before it unpins', () => {
    expect(dashboardKey(key('f'), context('api')).actions).toEqual([{ type: 'state-filter-next' }]);
    const filtered = context('api');
    filtered.ui = { ...filtered.ui, stateFilter: 'running', pinned: true };
    expect(dashboardKey(key('', { escape: true }), filtered).actions).toEqual([{ type: 'filter-clear' }]);
    filtered.ui = { ...filtered.ui, stateFilter: 'all' };
    expect(dashboardKey(key('', { escape: true }), filtered).actions).toEqual([{ type: 'unpin' }]);
  });

  it('takes printable keys read in one chunk one by one, and the rest as filter text', () => {
    const ids = view.order;
    const move = (delta: number) => ({ type: 'move', delta, ids, rows: 6 });
    expect(dashboardKey(key('jjk'), context('api')).actions).toEqual([move(1), move(1), move(-1)]);
    expect(dashboardKey(key('j/do'), context('api')).actions).toEqual([
      move(1),
      { type: 'open', mode: 'filter' },
      { type: 'filter-type', text: 'do' },
    ]);
    // Up to the first key with an effect: "jp" moves, then pauses the agent selected then.
    const result = dashboardKey(key('jp'), context('api'));
    expect(result.actions).toEqual([move(1)]);
    expect(result.effect).toEqual({ type: 'control', command: { type: 'pause', taskId: 'cli' } });
    expect(dashboardKey(key('ab'), context('api', 'filter')).actions).toEqual([
      { type: 'filter-type', text: 'ab' },
    ]);
  });
});
