import type { KeyPress, KeySpec } from '../keymap.js';

/**
 * The conflict review's key bindings as data: the view dispatches from this table and the help
 * line (here and in the dashboard's `?` overlay) is generated from it.
 */
export type ReviewCommand =
  | 'next-hunk'
  | 'prev-hunk'
  | 'next-file'
  | 'prev-file'
  | 'next-task'
  | 'prev-task'
  | 'ours'
  | 'theirs'
  | 'base'
  | 'both-ours-first'
  | 'both-theirs-first'
  | 'file-ours'
  | 'file-theirs'
  | 'delete'
  | 'accept'
  | 'edit'
  | 'edit-file'
  | 'undo'
  | 'propose'
  | 'pick-proposal'
  | 'commit'
  | 'leave';

export interface ReviewBinding {
  command: ReviewCommand;
  keys: KeySpec[];
  /** How the keys are written in help, e.g. `j/↓`. */
  label: string;
  description: string;
  /** Shown in the review's one-line help (the rest in the dashboard overlay). */
  footer: boolean;
}

export const reviewKeymap: readonly ReviewBinding[] = [
  {
    command: 'next-hunk',
    keys: [{ input: 'j' }, { special: 'downArrow' }],
    label: 'j/↓',
    description: 'next hunk',
    footer: true,
  },
  {
    command: 'prev-hunk',
    keys: [{ input: 'k' }, { special: 'upArrow' }],
    label: 'k/↑',
    description: 'previous hunk',
    footer: false,
  },
  {
    command: 'next-file',
    keys: [{ input: 'J' }, { special: 'tab' }],
    label: 'J/tab',
    description: 'next file',
    footer: true,
  },
  {
    command: 'prev-file',
    keys: [{ input: 'K' }, { special: 'tab', shift: true }],
    label: 'K/S-tab',
    description: 'previous file',
    footer: false,
  },
  { command: 'next-task', keys: [{ input: ']' }], label: ']', description: 'next task', footer: false },
  { command: 'prev-task', keys: [{ input: '[' }], label: '[', description: 'previous task', footer: false },
  { command: 'ours', keys: [{ input: 'o' }], label: 'o', description: 'ours', footer: true },
  { command: 'theirs', keys: [{ input: 't' }], label: 't', description: 'theirs', footer: true },
  { command: 'base', keys: [{ input: 'b' }], label: 'b', description: 'base', footer: true },
  {
    command: 'both-ours-first',
    keys: [{ input: 'B' }],
    label: 'B',
    description: 'both (ours first)',
    footer: true,
  },
  {
    command: 'both-theirs-first',
    keys: [{ input: 'T' }],
    label: 'T',
    description: 'both (theirs first)',
    footer: true,
  },
  { command: 'file-ours', keys: [{ input: '<' }], label: '<', description: 'file ours', footer: true },
  {
    command: 'file-theirs',
    keys: [{ input: '>' }],
    label: '>',
    description: 'file theirs',
    footer: true,
  },
  { command: 'delete', keys: [{ input: 'd' }], label: 'd', description: 'delete the file', footer: false },
  {
    command: 'accept',
    keys: [{ input: 'a' }],
    label: 'a',
    description: 'accept the file as git left it',
    footer: false,
  },
  { command: 'edit', keys: [{ input: 'e' }], label: 'e', description: 'edit in $EDITOR', footer: true },
  {
    command: 'edit-file',
    keys: [{ input: 'E' }],
    label: 'E',
    description: 'edit whole file in $EDITOR',
    footer: false,
  },
  { command: 'undo', keys: [{ input: 'z' }], label: 'z', description: 'undo', footer: true },
  {
    command: 'propose',
    keys: [{ input: 'g' }],
    label: 'g',
    description: 'ask the model',
    footer: true,
  },
  {
    command: 'pick-proposal',
    keys: [{ input: 'p' }],
    label: 'p',
    description: 'pick the proposal',
    footer: false,
  },
  { command: 'commit', keys: [{ input: 'c' }], label: 'c', description: 'commit', footer: true },
  {
    command: 'leave',
    keys: [{ input: 'q' }, { special: 'escape' }],
    label: 'q/esc',
    description: 'leave (picks kept)',
    footer: true,
  },
];

function matches(spec: KeySpec, key: KeyPress): boolean {
  if (spec.special !== undefined) {
    return Boolean(key[spec.special]) && Boolean(key.shift) === Boolean(spec.shift);
  }
  return !key.ctrl && key.input === spec.input;
}

export function reviewCommandFor(key: KeyPress): ReviewCommand | undefined {
  return reviewKeymap.find((binding) => binding.keys.some((spec) => matches(spec, key)))?.command;
}

/** The footer bindings as `label description` entries, wrapped on whole entries to `width`. */
export function reviewHelp(width: number, maxLines = 2): string[] {
  const lines: string[] = [];
  let line = '';
  for (const binding of reviewKeymap.filter((candidate) => candidate.footer)) {
    const part = `${binding.label} ${binding.description}`;
    const candidate = line ? `${line} · ${part}` : part;
    if (candidate.length <= width || line === '') {
      line = candidate;
      continue;
    }
    lines.push(line);
    if (lines.length === maxLines) return lines;
    line = part;
  }
  if (line) lines.push(line);
  return lines.slice(0, maxLines);
}
