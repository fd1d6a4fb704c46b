import { planSchema, type Plan, type Task } from './plan.js';
import { MaestroError } from '../errors.js';

/** One reason a plan is rejected, with where in the plan document it points (for file:line:column). */
export interface PlanIssue {
  path: (string | number)[];
  message: string;
}

export type PlanCheck = { ok: true; plan: Plan } | { ok: false; issues: PlanIssue[] };

/** A plan that failed validation; `planText` is what was rejected, so the user can see and fix it. */
export class PlanValidationError extends MaestroError {
  readonly issues: PlanIssue[];
  readonly planText: string | undefined;
  constructor(message: string, issues: PlanIssue[], planText?: string) {
    super(message, { exitCode: 1 });
    this.issues = issues;
    this.planText = planText;
  }
}

/** Validate a plan beyond its schema: duplicate ids, unknown or self dependencies, cycles (named). */
export function validatePlan(input: unknown): PlanCheck {
  const parsed = planSchema.safeParse(input);
  if (!parsed.success) {
    const tasks = taskIdsOf(input);
    const issues = parsed.error.issues.map((issue) => {
      const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
      return { path, message: `${describePath(path, tasks)}: ${issue.message}` };
    });
    return { ok: false, issues };
  }
  const plan = parsed.data;
  const issues: PlanIssue[] = [];
  const firstIndex = new Map<string, number>();
  plan.tasks.forEach((task, index) => {
    const seen = firstIndex.get(task.id);
    if (seen === undefined) firstIndex.set(task.id, index);
    else
      issues.push({
        path: ['tasks', index, 'id'],
        message: `duplicate task id '${task.id}' (tasks ${seen + 1} and ${index + 1})`,
      });
  });
  plan.tasks.forEach((task, index) => {
    task.dependsOn.forEach((dep, depIndex) => {
      const path = ['tasks', index, 'dependsOn', depIndex];
      if (dep === task.id) issues.push({ path, message: `task '${task.id}' depends on itself` });
      else if (!firstIndex.has(dep))
        issues.push({ path, message: `task '${task.id}' depends on unknown task '${dep}'` });
    });
  });
  if (issues.length === 0) {
    const cycle = findCycle(plan.tasks);
    if (cycle) {
      const index = firstIndex.get(cycle[0] ?? '') ?? 0;
      issues.push({
        path: ['tasks', index, 'dependsOn'],
        message: `dependency cycle: ${[...cycle, cycle[0]].join(' -> ')} (each depends on the next)`,
      });
    }
  }
  return issues.length === 0 ? { ok: true, plan } : { ok: false, issues };
}

/** Validate or throw a PlanValidationError whose message lists every issue. */
export function assertValidPlan(input: unknown, planText?: string): Plan {
  const check = validatePlan(input);
  if (check.ok) return check.plan;
  throw new PlanValidationError(
    `The plan is invalid: ${check.issues.map((issue) => issue.message).join('; ')}.`,
    check.issues,
    planText,
  );
}

/**
 * Tasks in an order where every task comes after its dependencies; among ready tasks the plan's own
 * order is kept, so the result is stable. Assumes a validated (acyclic) plan.
 */
export function topologicalOrder(plan: Plan): Task[] {
  const done = new Set<string>();
  const order: Task[] = [];
  const remaining = [...plan.tasks];
  while (remaining.length > 0) {
    const index = remaining.findIndex((task) => task.dependsOn.every((dep) => done.has(dep)));
    if (index < 0) throw new MaestroError('The plan has a dependency cycle; validate it first.');
    const [task] = remaining.splice(index, 1);
    if (!task) break;
    done.add(task.id);
    order.push(task);
  }
  return order;
}

/** Every task that `taskId` depends on, directly or through others. */
export function ancestorsOf(plan: Plan, taskId: string): Set<string> {
  const byId = new Map(plan.tasks.map((task) => [task.id, task]));
  const seen = new Set<string>();
  const stack = [...(byId.get(taskId)?.dependsOn ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id)?.dependsOn ?? []));
  }
  return seen;
}

/** Every task that depends on `taskId`, directly or through others. */
export function descendantsOf(plan: Plan, taskId: string): Set<string> {
  const seen = new Set<string>();
  const stack = [taskId];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    for (const task of plan.tasks) {
      if (task.dependsOn.includes(id) && !seen.has(task.id)) {
        seen.add(task.id);
        stack.push(task.id);
      }
    }
  }
  return seen;
}

function findCycle(tasks: Task[]): string[] | undefined {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const colour = new Map<string, 'grey' | 'black'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    colour.set(id, 'grey');
    stack.push(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      const seen = colour.get(dep);
      if (seen === 'grey') return stack.slice(stack.indexOf(dep));
      if (seen === undefined) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    stack.pop();
    colour.set(id, 'black');
    return undefined;
  };
  for (const task of tasks) {
    if (colour.has(task.id)) continue;
    const found = visit(task.id);
    if (found) return found;
  }
  return undefined;
}

function taskIdsOf(input: unknown): (string | undefined)[] {
  if (typeof input !== 'object' || input === null) return [];
  const tasks = (input as { tasks?: unknown }).tasks;
  if (!Array.isArray(tasks)) return [];
  return tasks.map((task: unknown) =>
    typeof task === 'object' && task !== null && typeof (task as { id?: unknown }).id === 'string'
      ? (task as { id: string }).id
      : undefined,
  );
}

function describePath(path: (string | number)[], ids: (string | undefined)[]): string {
  if (path.length === 0) return 'plan';
  if (path[0] === 'tasks' && typeof path[1] === 'number') {
    const id = ids[path[1]];
    const who = id ? `task '${id}'` : `task ${path[1] + 1}`;
    return path.length > 2 ? `${who} ${path.slice(2).join('.')}` : who;
  }
  return path.join('.');
}
