import { memo, type ReactNode } from 'react';
import { Text } from 'ink';
import type { RunView, TaskView } from '../store/run-state.js';
import { activeCount, radarPartners } from '../store/run-state.js';
import { fit, formatCost, formatElapsed, formatTokens, pad, stateGlyph } from '../format.js';
import { agentWindow } from '../agent-list.js';
import type { Box } from '../layout.js';
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
  size: Box;
  active: boolean;
  now: number;
  tick: number;
}

function elapsedOf(task: TaskView, now: number): string {
  if (task.startedAt === undefined) return '';
  return formatElapsed((task.endedAt ?? now) - task.startedAt);
}

interface RowProps {
  task: TaskView;
  cursor: boolean;
  /** The pane has the keyboard (the cursor row is drawn inverse). */
  active: boolean;
  focused: boolean;
  radar: string;
  elapsed: string;
  glyph: string;
  titleWidth: number;
  wide: boolean;
}

/**
 * One agent: glyph, task, state, elapsed, files changed, tokens, cost, radar pair. Memoised on
 * what it shows, so a frame re-renders only the rows whose agent changed (at 50 agents and 1,000
 * events a second, most rows are the same from one frame to the next).
 */
const AgentRow = memo(function AgentRow(props: RowProps): ReactNode {
  const { task, cursor, radar, titleWidth } = props;
  const { color } = stateGlyph(task.state, 0);
  // Where a queue worker runs the agent, its name follows the title.
  const where = task.worker ? ` @${task.worker}` : '';
  const label = fit(`${props.focused ? '»' : ''}${task.title}${where}`, titleWidth - 1 - radar.length);
  return (
    <Text wrap="truncate" inverse={cursor && props.active}>
      <Text color={cursor ? 'cyan' : undefined}>{cursor ? '›' : ' '}</Text>
      <Text color={color}>{props.glyph} </Text>
      <Text>{label}</Text>
      <Text color="red">{radar}</Text>
      <Text>{' '.repeat(Math.max(0, titleWidth - label.length - radar.length))}</Text>
      <Text color={color}>{pad(task.state, 11)}</Text>
      <Text dimColor>{pad(props.elapsed, 6)}</Text>
      {props.wide ? (
        <>
          <Text>{pad(`${task.filesChanged.size}f`, 5)}</Text>
          <Text dimColor>{pad(formatTokens(task.tokens.input + task.tokens.output), 7)}</Text>
          <Text>{formatCost(task.costUsd).padStart(7)}</Text>
        </>
      ) : null}
    </Text>
  );
});

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
      {visible.map((id) => {
        const task = props.view.tasks.get(id);
        if (!task) return null;
        const partners = radarPartners(props.view, id);
        return (
          <AgentRow
            key={id}
            task={task}
            cursor={id === props.selected}
            active={props.active}
            focused={id === props.focused}
            radar={partners.length > 0 ? ` ⚡${partners.join(',')}` : ''}
            elapsed={elapsedOf(task, props.now)}
            glyph={stateGlyph(task.state, props.tick).glyph}
            titleWidth={titleWidth}
            wide={wide}
          />
        );
      })}
      {window.below > 0 ? <Text dimColor>{`  ↓ ${window.below} more`}</Text> : null}
    </Pane>
  );
}
