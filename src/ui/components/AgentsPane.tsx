import type { ReactNode } from 'react';
import { Text } from 'ink';
import type { RunView, TaskView } from '../store/run-state.js';
import { isActive, radarPartners } from '../store/run-state.js';
import { fit, formatCost, formatElapsed, formatTokens, pad, stateGlyph } from '../format.js';
import type { Box } from '../layout.js';
import { inner, Pane } from './Pane.js';

export interface AgentsPaneProps {
  view: RunView;
  ids: readonly string[];
  selected: string | undefined;
  focused: string | undefined;
  size: Box;
  active: boolean;
  now: number;
  tick: number;
}

function elapsedOf(task: TaskView, now: number): string {
  if (task.startedAt === undefined) return '';
  return formatElapsed((task.endedAt ?? now) - task.startedAt);
}

/** One row per agent: glyph, task, state, elapsed, files changed, tokens, cost, radar pair. */
export function AgentsPane(props: AgentsPaneProps): ReactNode {
  const { rows, columns } = inner(props.size);
  const wide = columns >= 56;
  // cursor + glyph + space, state, elapsed, then files, tokens, cost when there is room.
  const fixed = wide ? 3 + 11 + 6 + 5 + 7 + 7 : 3 + 11 + 6;
  const titleWidth = Math.max(8, columns - fixed);
  const at = props.selected ? props.ids.indexOf(props.selected) : 0;
  // Keep the cursor row visible when there are more agents than rows.
  const first = Math.max(0, Math.min(at - Math.floor(rows / 2), props.ids.length - rows));
  const visible = props.ids.slice(first, first + rows);
  // The footer's count too: starting, running, validating and merging agents all hold a slot.
  const active = props.ids.filter((id) => {
    const task = props.view.tasks.get(id);
    return task !== undefined && isActive(task);
  }).length;
  return (
    <Pane title={`Agents ${active}/${props.view.tasks.size} active`} size={props.size} active={props.active}>
      {visible.length === 0 ? <Text dimColor>waiting for the plan…</Text> : null}
      {visible.map((id) => {
        const task = props.view.tasks.get(id);
        if (!task) return null;
        const { glyph, color } = stateGlyph(task.state, props.tick);
        const partners = radarPartners(props.view, id);
        const cursor = id === props.selected;
        const radar = partners.length > 0 ? ` ⚡${partners.join(',')}` : '';
        // Where a queue worker runs the agent, its name follows the title.
        const where = task.worker ? ` @${task.worker}` : '';
        const label = fit(
          `${id === props.focused ? '»' : ''}${task.title}${where}`,
          titleWidth - 1 - radar.length,
        );
        return (
          <Text key={id} wrap="truncate" inverse={cursor && props.active}>
            <Text color={cursor ? 'cyan' : undefined}>{cursor ? '›' : ' '}</Text>
            <Text color={color}>{glyph} </Text>
            <Text>{label}</Text>
            <Text color="red">{radar}</Text>
            <Text>{' '.repeat(Math.max(0, titleWidth - label.length - radar.length))}</Text>
            <Text color={color}>{pad(task.state, 11)}</Text>
            <Text dimColor>{pad(elapsedOf(task, props.now), 6)}</Text>
            {wide ? (
              <>
                <Text>{pad(`${task.filesChanged.size}f`, 5)}</Text>
                <Text dimColor>{pad(formatTokens(task.tokens.input + task.tokens.output), 7)}</Text>
                <Text>{formatCost(task.costUsd).padStart(7)}</Text>
              </>
            ) : null}
          </Text>
        );
      })}
    </Pane>
  );
}
