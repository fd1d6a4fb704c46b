import { memo, type ReactNode } from 'react';
import { Text } from 'ink';
import type { ActivityEntry, RunView, TaskView } from '../store/run-state.js';
import { fit, wrap, type Tone } from '../format.js';
import type { Box } from '../layout.js';
import { inner, Pane } from './Pane.js';

export interface Line {
  text: string;
  color?: Tone;
  dim?: boolean;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

function entryLines(entry: ActivityEntry, width: number): Line[] {
  switch (entry.kind) {
    case 'text':
      return wrap(entry.text.trimEnd(), width).map((text) => ({ text }));
    case 'tool': {
      const call: Line = { text: fit(`▸ ${entry.name} ${entry.args}`, width), color: 'blue' };
      if (!entry.result) return [call, { text: '  …', dim: true }];
      const count = entry.result.output.split('\n').filter((line) => line.trim() !== '').length;
      // Results stay folded to one line: the call and its outcome are what a reader scans for.
      const summary = `  ${entry.result.ok ? '✓' : '✗'} ${firstLine(entry.result.output)}`;
      const more = count > 1 ? ` (+${count - 1} lines)` : '';
      return [
        call,
        { text: fit(summary, width - more.length) + more, color: entry.result.ok ? 'gray' : 'red' },
      ];
    }
    case 'files':
      return entry.files.map((file) => ({
        text: fit(
          `✎ ${file.kind === 'unlink' ? 'deleted' : file.kind === 'add' ? 'added' : 'edited'} ${file.path}`,
          width,
        ),
        color: 'magenta',
      }));
    case 'status':
      return [
        {
          text: fit(`● ${entry.text}`, width),
          color: entry.tone === 'good' ? 'green' : entry.tone === 'bad' ? 'red' : 'yellow',
        },
      ];
    default:
      return [];
  }
}

/**
 * Lines of each entry at a width, kept while the entry lives: entries are immutable, and a busy
 * agent adds to its newest entry only, so a frame wraps that one instead of all 200.
 */
export class LineCache {
  private readonly byEntry = new WeakMap<ActivityEntry, { width: number; lines: Line[] }>();
  lines(entry: ActivityEntry, width: number): Line[] {
    const known = this.byEntry.get(entry);
    if (known?.width === width) return known.lines;
    const lines = entryLines(entry, width);
    this.byEntry.set(entry, { width, lines });
    return lines;
  }
}

/** The focused agent's activity as display lines, oldest first. */
export function activityLines(task: TaskView, width: number, cache?: LineCache): Line[] {
  return task.activity.flatMap((entry) => (cache ? cache.lines(entry, width) : entryLines(entry, width)));
}

export interface ActivityPaneProps {
  /** The focused agent, if any. */
  task: TaskView | undefined;
  radar: RunView['radar'];
  size: Box;
  active: boolean;
  scroll: number;
  cache: LineCache;
}

/** Memoised on the focused task: other agents' events and the clock's redraws must not rebuild it. */
export const ActivityPane = memo(function ActivityPane(props: ActivityPaneProps): ReactNode {
  const { rows, columns } = inner(props.size);
  const { task } = props;
  if (!task) {
    return (
      <Pane title="Activity" size={props.size} active={props.active}>
        <Text dimColor>select an agent</Text>
      </Pane>
    );
  }
  const pairs = props.radar.filter((pair) => pair.a === task.id || pair.b === task.id);
  const partners = pairs.map((pair) => (pair.a === task.id ? pair.b : pair.a));
  const header: Line[] = [];
  if (partners.length > 0) {
    const files = pairs.flatMap((pair) => pair.files);
    header.push({
      text: fit(`⚡ overlaps ${partners.join(', ')} in ${files.join(', ')}`, columns),
      color: 'red',
    });
  }
  if (task.reason) header.push({ text: fit(task.reason, columns), color: 'red' });
  const lines = activityLines(task, columns, props.cache);
  const room = Math.max(0, rows - header.length);
  const end = Math.max(0, lines.length - props.scroll);
  const shown = [...header, ...lines.slice(Math.max(0, end - room), end)];
  const scrolled = props.scroll > 0 ? ` (scrolled ${props.scroll})` : '';
  return (
    <Pane title={`Activity · ${task.id}${scrolled}`} size={props.size} active={props.active}>
      {shown.map((line, index) => (
        <Text key={index} wrap="truncate" color={line.color} dimColor={line.dim}>
          {line.text || ' '}
        </Text>
      ))}
    </Pane>
  );
});
