import { checkExhaustive } from '../../errors.js';
import type { Plan } from '../../orchestrator/plan.js';

/** The plan as the user edits it before the run starts. */
export interface ApprovalState {
  plan: Plan;
  selected: number;
  /** The instructions being edited, for the selected task. */
  editing: string | undefined;
  error: string | undefined;
}

export type ApprovalAction =
  | { type: 'move'; delta: number }
  | { type: 'edit' }
  | { type: 'edit-type'; text: string }
  | { type: 'edit-erase' }
  | { type: 'edit-save' }
  | { type: 'edit-cancel' }
  | { type: 'drop' };

export function initialApproval(plan: Plan): ApprovalState {
  return { plan, selected: 0, editing: undefined, error: undefined };
}

export function reduceApproval(state: ApprovalState, action: ApprovalAction): ApprovalState {
  const tasks = state.plan.tasks;
  const task = tasks[state.selected];
  switch (action.type) {
    case 'move': {
      const selected = Math.min(tasks.length - 1, Math.max(0, state.selected + action.delta));
      return { ...state, selected, error: undefined };
    }
    case 'edit':
      return task ? { ...state, editing: task.instructions, error: undefined } : state;
    case 'edit-type':
      return state.editing === undefined ? state : { ...state, editing: state.editing + action.text };
    case 'edit-erase':
      return state.editing === undefined ? state : { ...state, editing: state.editing.slice(0, -1) };
    case 'edit-cancel':
      return { ...state, editing: undefined, error: undefined };
    case 'edit-save': {
      if (!task || state.editing === undefined) return state;
      const instructions = state.editing.trim();
      if (!instructions) return { ...state, error: 'instructions must not be empty' };
      const next = tasks.map((candidate, index) =>
        index === state.selected ? { ...candidate, instructions } : candidate,
      );
      return { ...state, plan: { ...state.plan, tasks: next }, editing: undefined, error: undefined };
    }
    case 'drop': {
      if (!task) return state;
      if (tasks.length === 1) return { ...state, error: 'a plan needs at least one task' };
      // Tasks that waited for the dropped one no longer wait for anything it would have done.
      const next = tasks
        .filter((candidate) => candidate.id !== task.id)
        .map((candidate) => ({
          ...candidate,
          dependsOn: candidate.dependsOn.filter((id) => id !== task.id),
        }));
      return {
        ...state,
        plan: { ...state.plan, tasks: next },
        selected: Math.min(state.selected, next.length - 1),
        error: undefined,
      };
    }
    default:
      return checkExhaustive(action);
  }
}
