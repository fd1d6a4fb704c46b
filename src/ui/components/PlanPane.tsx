import { memo, type ReactNode } from 'react';
import { Text } from 'ink';
import type { RunView } from '../store/run-state.js';
import { progress } from '../store/run-state.js';
import { fit, progressBar, stateGlyph } from '../format.js';
import type { Box } from '../layout.js';
import { inner, Pane } from './Pane.js';

/** Depth of each task in the dependency graph (roots 0); cycles are cut rather than looped. */
export function depths(view: RunView): Map<string, number> {
  const result = new Map<string, number>();
  const visit = (id: string, seen: Set<string>): number => {
    const known = result.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const deps = view.tasks.get(id)?.dependsOn ?? [];
    const depth = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((dep) => visit(dep, seen)));
    result.set(id, depth);
    return depth;
  };
  for (const id of view.order) visit(id, new Set());
  return result;
}

interface PlanPaneProps {
  view: RunView;
  size: Box;
  active: boolean;
}

/** What the pane shows of the run: each task's id, state and dependencies, in plan order. */
function planShape(view: RunView): string {
  let shape = '';
  for (const id of view.order) {
    const task = view.tasks.get(id);
    shape += `${id}\u0000${task?.state ?? ''}\u0000${task?.dependsOn.join(',') ?? ''}\n`;
  }
  return shape;
}

function samePlan(before: PlanPaneProps, after: PlanPaneProps): boolean {
  if (before.size !== after.size || before.active !== after.active) return false;
  if (before.view.tasks === after.view.tasks && before.view.order === after.view.order) return true;
  // Streamed events replace the tasks map many times a second; the plan changes with states only.
  return planShape(before.view) === planShape(after.view);
}

/** Memoised and without spinners: it changes with the plan's states, not with the clock. */
export const PlanPane = memo(function PlanPane(props: PlanPaneProps): ReactNode {
  const { rows, columns } = inner(props.size);
  if (rows <= 0) return <Pane title="Plan" size={props.size} active={props.active} />;
  const { done, total } = progress(props.view);
  const label = ` ${done}/${total} merged`;
  const bar = progressBar(done, total, Math.max(0, Math.min(30, columns - label.length)));
  const level = depths(props.view);
  const ordered = [...props.view.order].sort((a, b) => (level.get(a) ?? 0) - (level.get(b) ?? 0));
  return (
    <Pane title="Plan" size={props.size} active={props.active}>
      <Text wrap="truncate">
        <Text color="green">{bar}</Text>
        {label}
      </Text>
      {ordered.slice(0, Math.max(0, rows - 1)).map((id) => {
        const task = props.view.tasks.get(id);
        if (!task) return null;
        const { glyph, color } = stateGlyph(task.state, 0);
        const indent = '  '.repeat(Math.min(4, level.get(id) ?? 0));
        const deps = task.dependsOn.length > 0 ? ` ← ${task.dependsOn.join(', ')}` : '';
        return (
          <Text key={id} wrap="truncate">
            {indent}
            <Text color={color}>{glyph}</Text>{' '}
            {fit(id, Math.max(4, columns - indent.length - 2 - deps.length))}
            <Text dimColor>{deps}</Text>
          </Text>
        );
      })}
    </Pane>
  );
}, samePlan);
