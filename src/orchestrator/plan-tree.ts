import type { Plan, Task } from './plan.js';
import { topologicalOrder } from './plan-validate.js';

/**
 * The plan as a tree for the terminal: each task sits under the last of its dependencies in
 * dependency order (so it appears after everything it waits for); other dependencies are named.
 */
export function formatPlanTree(plan: Plan): string {
  const order = topologicalOrder(plan);
  const position = new Map(order.map((task, index) => [task.id, index]));
  const parentOf = (task: Task): string | undefined =>
    [...task.dependsOn].sort((x, y) => (position.get(x) ?? 0) - (position.get(y) ?? 0)).at(-1);
  const children = new Map<string | undefined, Task[]>();
  for (const task of order) {
    const parent = parentOf(task);
    children.set(parent, [...(children.get(parent) ?? []), task]);
  }
  const lines = [
    `${plan.objective || 'Plan'} (${plan.tasks.length} task${plan.tasks.length === 1 ? '' : 's'})`,
  ];
  const walk = (parent: string | undefined, prefix: string): void => {
    const list = children.get(parent) ?? [];
    list.forEach((task, index) => {
      const last = index === list.length - 1;
      const others = task.dependsOn.filter((dep) => dep !== parent);
      const after = others.length > 0 ? `  (also after ${others.join(', ')})` : '';
      const files = task.files.length > 0 ? `  [${task.files.join(', ')}]` : '';
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${task.id}: ${task.title}${after}${files}`);
      walk(task.id, `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(undefined, '');
  return lines.join('\n');
}
