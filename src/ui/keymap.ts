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
  | 'page-down';

/** A key as Ink reports it: the printable input, or a named special key. */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  shift?: boolean;
  ctrl?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

type SpecialKey = 'upArrow' | 'downArrow' | 'return' | 'escape' | 'tab' | 'pageUp' | 'pageDown';

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
  /** Shown in the one-line footer (the overlay shows every binding). */
  footer: boolean;
}

export const keymap: readonly Binding[] = [
  {
    command: 'up',
    keys: [{ special: 'upArrow' }, { input: 'k' }],
    label: '↑/k',
    description: 'previous agent',
    footer: false,
  },
  {
    command: 'down',
    keys: [{ special: 'downArrow' }, { input: 'j' }],
    label: '↓/j',
    description: 'next agent',
    footer: true,
  },
  { command: 'next-pane', keys: [{ special: 'tab' }], label: 'tab', description: 'next pane', footer: true },
  {
    command: 'prev-pane',
    keys: [{ special: 'tab', shift: true }],
    label: 'S-tab',
    description: 'previous pane',
    footer: false,
  },
  {
    command: 'focus',
    keys: [{ special: 'return' }],
    label: 'enter',
    description: 'focus agent',
    footer: false,
  },
  { command: 'shell', keys: [{ input: 's' }], label: 's', description: 'shell in worktree', footer: true },
  { command: 'diff', keys: [{ input: 'd' }], label: 'd', description: 'diff', footer: true },
  { command: 'pause', keys: [{ input: 'p' }], label: 'p', description: 'pause/resume', footer: true },
  { command: 'stop', keys: [{ input: 'x' }], label: 'x', description: 'stop agent', footer: true },
  { command: 'retry', keys: [{ input: 'r' }], label: 'r', description: 'retry failed task', footer: true },
  { command: 'merge', keys: [{ input: 'm' }], label: 'm', description: 'merge state', footer: true },
  { command: 'review', keys: [{ input: 'c' }], label: 'c', description: 'conflict review', footer: true },
  { command: 'filter', keys: [{ input: '/' }], label: '/', description: 'filter agents', footer: true },
  {
    command: 'page-up',
    keys: [{ special: 'pageUp' }],
    label: 'PgUp',
    description: 'scroll up',
    footer: false,
  },
  {
    command: 'page-down',
    keys: [{ special: 'pageDown' }],
    label: 'PgDn',
    description: 'scroll down',
    footer: false,
  },
  { command: 'back', keys: [{ special: 'escape' }], label: 'esc', description: 'close view', footer: false },
  { command: 'help', keys: [{ input: '?' }], label: '?', description: 'help', footer: true },
  { command: 'quit', keys: [{ input: 'q' }], label: 'q', description: 'quit', footer: true },
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

/** `j/k nav · tab pane · s shell …`, from the table, cut to `width` on whole entries. */
export function footerHelp(width: number): string {
  const parts = keymap.filter((binding) => binding.footer).map((b) => `${b.label} ${b.description}`);
  let line = '';
  for (const part of parts) {
    const candidate = line ? `${line} · ${part}` : part;
    if (candidate.length > width) break;
    line = candidate;
  }
  return line;
}
