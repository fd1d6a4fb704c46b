import { memo, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { TaskState } from '../../events.js';
import type { RunView, TaskView } from '../store/run-state.js';
import { activeCount, radarPartners } from '../store/run-state.js';
import { fit, formatCost, formatElapsed, formatTokens, pad, stateGlyph } from '../format.js';
import { agentWindow } from '../agent-list.js';
import type { Box as Size } from '../layout.js';
import { inner, Pane } from './Pane.js';

export interface AgentsPaneProps {
  view: RunView;
  /** Agent ids after the filters, in display order. */
  ids: readonly string[];
  selected: string | undefined;
  focused: string | undefined;
  /** The first row shown, as the selection last scrolled it (clamped here to keep the cursor in view). */
  top: number;
  /** The filters in force ("running /api"), or empty. */
  filter: string;
  size: Size;
  active: boolean;
  now: number;
}

function elapsedMs(task: TaskView, now: number): number | undefined {
  return task.startedAt === undefined ? undefined : (task.endedAt ?? now) - task.startedAt;
}

interface RowProps {
  id: string;
  state: TaskState;
  /** Title (with "»" when pinned and "@worker"), cut to fit beside the radar mark. */
  label: string;
  radar: string;
  cursor: boolean;
  /** The pane has the keyboard (the cursor row is drawn inverse). */
  active: boolean;
  elapsed: string;
  glyph: string;
  /** Files, tokens and cost, or empty on a narrow pane. */
  stats: string;
  titleWidth: number;
}

/**
 * One agent: glyph, task, state, elapsed, files changed, tokens, cost, radar pair. Its props are
 * what it shows, so a frame re-renders only the rows whose text changed: at 50 agents and 1,000
 * events a second every agent's view changes each frame, while its row mostly does not.
 */
const AgentRow = memo(function AgentRow(props: RowProps): ReactNode {
  const { cursor, radar, label } = props;
  const { color } = stateGlyph(props.state, 0);
  const inverse = cursor && props.active;
  // Two texts, so the long one stays plain ASCII: Ink measures every distinct line of a frame with
  // string-width, whose fast path is ASCII-only, and the glyphs repeat from row to row.
  return (
    <Box height={1}>
      <Text inverse={inverse}>
        <Text color={cursor ? 'cyan' : undefined}>{cursor ? '›' : ' '}</Text>
        <Text color={color}>{props.glyph}</Text>
      </Text>
      <Text wrap="truncate" inverse={inverse}>
        {' '}
        {label}
        <Text color="red">{radar}</Text>
        {' '.repeat(Math.max(0, props.titleWidth - label.length - radar.length))}
        <Text color={color}>{pad(props.state, 11)}</Text>
        <Text dimColor>{pad(props.elapsed, 6)}</Text>
        {props.stats}
      </Text>
    </Box>
  );
});

/**
 * The spinner's step: the agent's own elapsed seconds, so a row's glyph turns in the frame where
 * its clock changes anyway, never in a frame of its own (each changed row costs Ink a rewrite).
 */
function spinStep(elapsed: number | undefined, now: number): number {
  return Math.floor((elapsed ?? now) / 1000);
}

function stats(task: TaskView): string {
  const files = pad(`${task.filesChanged.size}f`, 5);
  const tokens = pad(formatTokens(task.tokens.input + task.tokens.output), 7);
  return `${files}${tokens}${formatCost(task.costUsd).padStart(7)}`;
}

/** The agents that pass the filters, scrolled so the selected one is always in view. */
export function AgentsPane(props: AgentsPaneProps): ReactNode {
  const { rows, columns } = inner(props.size);
  const wide = columns >= 56;
  // cursor + glyph + space, state, elapsed, then files, tokens, cost when there is room.
  const fixed = wide ? 3 + 11 + 6 + 5 + 7 + 7 : 3 + 11 + 6;
  const titleWidth = Math.max(8, columns - fixed);
  const at = props.selected ? Math.max(0, props.ids.indexOf(props.selected)) : 0;
  const window = agentWindow(props.ids.length, at, rows, props.top);
  const visible = props.ids.slice(window.top, window.top + window.count);
  // Starting, running, validating and merging agents all hold a slot.
  const total = props.view.tasks.size;
  const title = `Agents ${activeCount(props.view)}/${total} active${
    props.filter ? ` · ${props.filter}: ${props.ids.length}` : ''
  }`;
  const empty = total === 0 ? 'waiting for the plan…' : 'no agent matches (esc clears the filters)';
  return (
    <Pane title={title} size={props.size} active={props.active}>
      {visible.length === 0 && rows > 0 ? <Text dimColor>{empty}</Text> : null}
      {window.above > 0 ? <Text dimColor>{`  ↑ ${window.above} more`}</Text> : null}
      {visible.map((id, slot) => {
        const task = props.view.tasks.get(id);
        if (!task) return null;
        const partners = radarPartners(props.view, id);
        const radar = partners.length > 0 ? ` ⚡${partners.join(',')}` : '';
        // Where a queue worker runs the agent, its name follows the title.
        const where = task.worker ? ` @${task.worker}` : '';
        const pinned = id === props.focused ? '»' : '';
        const elapsed = elapsedMs(task, props.now);
        return (
          // Keyed by the row on screen, not the agent: a scroll updates the rows' text in place
          // instead of unmounting them all and mounting new ones (Ink nodes and their layout).
          <AgentRow
            key={slot}
            id={id}
            state={task.state}
            label={fit(`${pinned}${task.title}${where}`, titleWidth - 1 - radar.length)}
            radar={radar}
            cursor={id === props.selected}
            active={props.active}
            elapsed={elapsed === undefined ? '' : formatElapsed(elapsed)}
            glyph={stateGlyph(task.state, spinStep(elapsed, props.now)).glyph}
            stats={wide ? stats(task) : ''}
            titleWidth={titleWidth}
          />
        );
      })}
      {window.below > 0 ? <Text dimColor>{`  ↓ ${window.below} more`}</Text> : null}
    </Pane>
  );
}
