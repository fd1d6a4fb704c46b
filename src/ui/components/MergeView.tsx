import type { ReactNode } from 'react';
import { Text } from 'ink';
import { Overlay } from './Pane.js';
import type { RunView } from '../store/run-state.js';
import { stateGlyph } from '../format.js';
import type { Box as Size } from '../layout.js';
import { inertLine } from '../../util/terminal-text.js';

const groups = [
  { title: 'merged', states: ['merged'] },
  { title: 'conflicts awaiting review (c)', states: ['conflicted'] },
  { title: 'failed or stopped', states: ['failed', 'stopped'] },
  { title: 'in progress', states: ['starting', 'running', 'paused', 'validating', 'merging'] },
  { title: 'waiting', states: ['pending', 'blocked'] },
] as const;

/** Where every task stands against the result branch. */
export function MergeView(props: { view: RunView; size: Size }): ReactNode {
  const { view } = props;
  const lines: ReactNode[] = [];
  for (const group of groups) {
    const ids = view.order.filter((id) =>
      (group.states as readonly string[]).includes(view.tasks.get(id)?.state ?? ''),
    );
    if (ids.length === 0) continue;
    lines.push(
      <Text key={group.title} bold wrap="truncate">
        {group.title} ({ids.length})
      </Text>,
    );
    for (const id of ids) {
      const task = view.tasks.get(id);
      if (!task) continue;
      const { glyph, color } = stateGlyph(task.state, 0);
      const files = task.conflicts?.map((file) => `${file.path} (${file.kind}, ${file.hunks})`).join(', ');
      lines.push(
        <Text key={id} wrap="truncate">
          {'  '}
          <Text color={color}>{glyph}</Text> {id}
          <Text dimColor> {inertLine(files ?? task.reason ?? '')}</Text>
        </Text>,
      );
    }
  }
  return (
    <Overlay
      size={props.size}
      title={<>Merge state · result branch {view.resultBranch ?? '(not yet)'} (esc)</>}
    >
      {lines.slice(0, Math.max(0, props.size.height - 3))}
    </Overlay>
  );
}
