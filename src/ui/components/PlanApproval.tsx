import { useReducer, useRef, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { Plan } from '../../orchestrator/plan.js';
import { useKeypress } from '../keypress.js';
import type { KeyPress } from '../keymap.js';
import {
  initialApproval,
  reduceApproval,
  type ApprovalAction,
  type ApprovalState,
} from '../store/plan-approval.js';
import { fit, wrap } from '../format.js';

export interface PlanApprovalProps {
  plan: Plan;
  onApprove: (plan: Plan) => void;
  onCancel: () => void;
  width?: number;
}

function printable(input: string): boolean {
  return input.length > 0 && ![...input].some((char) => char.charCodeAt(0) < 32);
}

function actionFor(key: KeyPress, state: ApprovalState): ApprovalAction | 'approve' | 'cancel' | undefined {
  if (state.editing !== undefined) {
    if (key.escape) return { type: 'edit-cancel' };
    if (key.return) return { type: 'edit-save' };
    if (key.backspace || key.delete) return { type: 'edit-erase' };
    if (!key.ctrl && !key.tab && printable(key.input)) return { type: 'edit-type', text: key.input };
    return undefined;
  }
  if (key.upArrow || key.input === 'k') return { type: 'move', delta: -1 };
  if (key.downArrow || key.input === 'j') return { type: 'move', delta: 1 };
  if (key.input === 'e') return { type: 'edit' };
  if (key.input === 'x' || key.delete) return { type: 'drop' };
  if (key.return || key.input === 's') return 'approve';
  if (key.escape || key.input === 'q') return 'cancel';
  return undefined;
}

/** The plan before anything runs: read it, edit a task's instructions, drop a task, start. */
export function PlanApproval(props: PlanApprovalProps): ReactNode {
  const [state, dispatch] = useReducer(reduceApproval, props.plan, initialApproval);
  const latest = useRef(state);
  latest.current = state;
  useKeypress(
    (key) => {
      const action = actionFor(key, latest.current);
      if (action === undefined) return false;
      if (action === 'approve') props.onApprove(latest.current.plan);
      else if (action === 'cancel') props.onCancel();
      else {
        latest.current = reduceApproval(latest.current, action);
        dispatch(action);
      }
      return true;
    },
    { priority: 10 },
  );
  const width = Math.max(30, (props.width ?? 100) - 4);
  const task = state.plan.tasks[state.selected];
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>
        Plan: {state.plan.tasks.length} task{state.plan.tasks.length === 1 ? '' : 's'}
        {state.plan.objective ? ` for "${fit(state.plan.objective, width - 20)}"` : ''}
      </Text>
      {state.plan.tasks.map((candidate, index) => (
        <Text key={candidate.id} wrap="truncate" inverse={index === state.selected}>
          {index === state.selected ? '›' : ' '} {candidate.id}: {candidate.title}
          <Text dimColor>{candidate.dependsOn.length > 0 ? ` ← ${candidate.dependsOn.join(', ')}` : ''}</Text>
        </Text>
      ))}
      {task ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>
            {state.editing === undefined ? 'Instructions' : 'Editing instructions (enter save · esc cancel)'}
          </Text>
          {wrap(state.editing ?? task.instructions, width).map((line, index) => (
            <Text key={index}>{line || ' '}</Text>
          ))}
          {state.editing !== undefined ? <Text inverse> </Text> : null}
          {task.files.length > 0 ? <Text dimColor>files: {task.files.join(', ')}</Text> : null}
        </Box>
      ) : null}
      {state.error ? <Text color="yellow">{state.error}</Text> : null}
      <Text dimColor>j/k move · e edit instructions · x drop task · enter start · esc cancel</Text>
    </Box>
  );
}
