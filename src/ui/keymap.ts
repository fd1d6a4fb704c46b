/**
 * The one keymap: every binding is data here, and the footer help and the `?` overlay are
 * generated from this table, so they cannot drift from what the keys do.
 */
export type Command =
  | 'up'
  | 'down'
  | 'next-pane'
  | 'prev-pane'
  | 'focus'
  | 'shell'
  | 'diff'
  | 'pause'
  | 'stop'
  | 'retry'
  | 'merge'
  | 'review'
  | 'filter'
  | 'quit'
  | 'help'
  | 'back'
  | 'page-up'
  | 'page-down'
  | 'first'
  | 'last'
  | 'state-filter';

/** A key as Ink reports it: the printable input, or a named special key. */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  shift?: boolean;
  ctrl?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

type SpecialKey =
  'upArrow' | 'downArrow' | 'return' | 'escape' | 'tab' | 'pageUp' | 'pageDown' | 'home' | 'end';

export interface KeySpec {
  input?: string;
  special?: SpecialKey;
  shift?: boolean;
}

export interface Binding {
  command: Command;
  keys: KeySpec[];
  /** How the keys are written in help, e.g. `j/k`. */
  label: string;
  description: string;
  /** Its short form in the one-line footer, if it has a place there (the overlay shows every binding). */
  footer: string | undefined;
}

export const keymap: readonly Binding[] = [
  {
    command: 'up',
    keys: [{ special: 'upArrow' }, { input: 'k' }],
    label: '↑/k',
    description: 'previous agent',
    footer: undefined,
  },
  {
    command: 'down',
    keys: [{ special: 'downArrow' }, { input: 'j' }],
    label: '↓/j',
    description: 'next agent',
    footer: 'j/k move',
  },
  {
    command: 'next-pane',
    keys: [{ special: 'tab' }],
    label: 'tab',
    description: 'next pane',
    footer: 'tab pane',
  },
  {
    command: 'prev-pane',
    keys: [{ special: 'tab', shift: true }],
    label: 'S-tab',
    description: 'previous pane',
    footer: undefined,
  },
  {
    command: 'focus',
    keys: [{ special: 'return' }],
    label: 'enter',
    description: 'focus agent',
    footer: 'enter focus',
  },
  {
    command: 'shell',
    keys: [{ input: 's' }],
    label: 's',
    description: 'shell in worktree',
    footer: 's shell',
  },
  { command: 'diff', keys: [{ input: 'd' }], label: 'd', description: 'diff', footer: 'd diff' },
  { command: 'pause', keys: [{ input: 'p' }], label: 'p', description: 'pause/resume', footer: 'p pause' },
  { command: 'stop', keys: [{ input: 'x' }], label: 'x', description: 'stop agent', footer: 'x stop' },
  {
    command: 'retry',
    keys: [{ input: 'r' }],
    label: 'r',
    description: 'retry failed task',
    footer: 'r retry',
  },
  { command: 'merge', keys: [{ input: 'm' }], label: 'm', description: 'merge state', footer: 'm merge' },
  {
    command: 'review',
    keys: [{ input: 'c' }],
    label: 'c',
    description: 'conflict review',
    footer: 'c review',
  },
  {
    command: 'filter',
    keys: [{ input: '/' }],
    label: '/',
    description: 'filter agents by id, title or state',
    footer: '/ filter',
  },
  {
    command: 'state-filter',
    keys: [{ input: 'f' }],
    label: 'f',
    description: 'show all / running / waiting / failed / conflicted / merged agents',
    footer: 'f state',
  },
  {
    command: 'page-up',
    keys: [{ special: 'pageUp' }],
    label: 'PgUp',
    description: 'page up (agents list, activity or view)',
    footer: undefined,
  },
  {
    command: 'page-down',
    keys: [{ special: 'pageDown' }],
    label: 'PgDn',
    description: 'page down (agents list, activity or view)',
    footer: undefined,
  },
  {
    command: 'first',
    keys: [{ special: 'home' }, { input: 'g' }],
    label: 'home/g',
    description: 'first agent',
    footer: undefined,
  },
  {
    command: 'last',
    keys: [{ special: 'end' }, { input: 'G' }],
    label: 'end/G',
    description: 'last agent',
    footer: undefined,
  },
  {
    command: 'back',
    keys: [{ special: 'escape' }],
    label: 'esc',
    description: 'close view, clear the filters, unpin',
    footer: undefined,
  },
  { command: 'help', keys: [{ input: '?' }], label: '?', description: 'help', footer: '? help' },
  { command: 'quit', keys: [{ input: 'q' }], label: 'q', description: 'quit', footer: 'q quit' },
];

function matches(spec: KeySpec, key: KeyPress): boolean {
  if (spec.special !== undefined) {
    return Boolean(key[spec.special]) && Boolean(key.shift) === Boolean(spec.shift);
  }
  return !key.ctrl && key.input === spec.input;
}

/** The command bound to a key press, if any. */
export function commandFor(key: KeyPress): Command | undefined {
  return keymap.find((binding) => binding.keys.some((spec) => matches(spec, key)))?.command;
}

export function bindingFor(command: Command): Binding {
  const binding = keymap.find((candidate) => candidate.command === command);
  if (!binding) throw new Error(`no binding for ${command}`);
  return binding;
}

/** `j/k move · tab pane · s shell …` from the table, cut on whole entries; `? help` always stays. */
export function footerHelp(width: number): string {
  const parts = keymap.flatMap((binding) =>
    binding.footer && binding.command !== 'help' ? [binding.footer] : [],
  );
  const help = bindingFor('help').footer ?? '? help';
  let line = '';
  for (const part of parts) {
    const candidate = line ? `${line} · ${part}` : part;
    if (candidate.length + help.length + 3 > width) break;
    line = candidate;
  }
  return line ? `${line} · ${help}` : help;
}
