import { linesOfText } from '../../git/conflict-model.js';
import type { SessionFile } from '../../git/resolution-session.js';

/** Lines of a file's current text that a pick or an edit wrote: `start` is 0-based. */
export interface ResolvedRegion {
  start: number;
  lines: string[];
}

interface Span {
  start: number;
  /** Exclusive. */
  end: number;
}

/** The block of `after` that differs from `before`: common lines at both ends are outside it. */
function changedBlock(
  before: string[],
  after: string[],
): { start: number; removedEnd: number; addedEnd: number } {
  const most = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < most && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < most - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix])
    suffix++;
  return { start: prefix, removedEnd: before.length - suffix, addedEnd: after.length - suffix };
}

/**
 * Where the file's resolution changed its text, in the current text (what `c` commits): each step
 * of the file's history (a hunk pick, an edit, a structured merge) is one block; later steps
 * shift the blocks after them and absorb the blocks they overlap. Empty when the file is not text.
 */
export function resolvedRegions(file: SessionFile): ResolvedRegion[] {
  let spans: Span[] = [];
  let previous: string[] | null = null;
  for (const state of file.history) {
    if (state.kind !== 'text') {
      previous = null;
      spans = [];
      continue;
    }
    const lines = linesOfText(state.text);
    if (previous) {
      const { start, removedEnd, addedEnd } = changedBlock(previous, lines);
      const delta = addedEnd - removedEnd;
      if (removedEnd > start || addedEnd > start) {
        const block: Span = { start, end: addedEnd };
        const kept: Span[] = [];
        for (const span of spans) {
          const overlaps = span.start < removedEnd && start < span.end;
          const inside = span.start === span.end && start <= span.start && span.start <= removedEnd;
          if (overlaps || inside) {
            block.start = Math.min(block.start, span.start);
            block.end = Math.max(block.end, span.end + delta);
          } else {
            kept.push(span.start >= removedEnd ? { start: span.start + delta, end: span.end + delta } : span);
          }
        }
        spans = [...kept, block].sort((a, b) => a.start - b.start);
      }
    }
    previous = lines;
  }
  const current = previous ?? [];
  return spans.map((span) => ({ start: span.start, lines: current.slice(span.start, span.end) }));
}
