import type { TaskState } from '../events.js';
import { inertText } from '../util/terminal-text.js';

export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function formatCost(usd: number): string {
  return usd >= 100 ? `$${usd.toFixed(0)}` : `$${usd.toFixed(2)}`;
}

export function formatTokens(count: number): string {
  if (count >= 1_000_000) return `${(count / 1_000_000).toFixed(1)}M`;
  if (count >= 10_000) return `${Math.round(count / 1000)}k`;
  if (count >= 1000) return `${(count / 1000).toFixed(1)}k`;
  return String(count);
}

/** Cuts to `width` columns with an ellipsis (ASCII-width approximation is enough for labels). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const flat = inertText(text).replace(/\s+/g, ' ');
  return flat.length > width ? flat.slice(0, Math.max(0, width - 1)) + '…' : flat;
}

export function pad(text: string, width: number): string {
  return fit(text, width).padEnd(width);
}

/** Hard-wraps text into lines of at most `width` characters. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const raw of inertText(text).split('\n')) {
    const line = raw.replace(/\t/g, '  ');
    if (line.length === 0) lines.push('');
    for (let i = 0; i < line.length; i += Math.max(1, width)) lines.push(line.slice(i, i + width));
  }
  return lines;
}

export const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export type Tone = 'gray' | 'yellow' | 'cyan' | 'green' | 'red' | 'magenta' | 'blue' | 'white';

/** The glyph and colour of a task state; active states spin. */
export function stateGlyph(state: TaskState, tick: number): { glyph: string; color: Tone } {
  const spin = spinnerFrames[tick % spinnerFrames.length] ?? '•';
  switch (state) {
    case 'pending':
      return { glyph: '○', color: 'gray' };
    case 'blocked':
      return { glyph: '◌', color: 'gray' };
    case 'starting':
      return { glyph: spin, color: 'yellow' };
    case 'running':
      return { glyph: spin, color: 'cyan' };
    case 'paused':
      return { glyph: '‖', color: 'yellow' };
    case 'validating':
      return { glyph: spin, color: 'blue' };
    case 'merging':
      return { glyph: spin, color: 'magenta' };
    case 'merged':
      return { glyph: '✔', color: 'green' };
    case 'conflicted':
      return { glyph: '⚠', color: 'red' };
    case 'failed':
      return { glyph: '✖', color: 'red' };
    case 'stopped':
      return { glyph: '■', color: 'gray' };
    default:
      return { glyph: '?', color: 'white' };
  }
}

export function progressBar(done: number, total: number, width: number): string {
  if (width <= 0) return '';
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}
