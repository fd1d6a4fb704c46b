/** A crossed cap, shaped like the `budget.exceeded` event. */
export interface BudgetBreach {
  scope: 'run' | 'task';
  taskId?: string;
  limitUsd: number;
  spentUsd: number;
}

export interface BudgetLimits {
  runUsd: number | null;
  taskUsd: number | null;
}

/** Money spent by a run and by each task, against the configured caps. */
export class Budget {
  private run = 0;
  private readonly tasks = new Map<string, number>();
  /** Models whose price is unknown (their turns counted as $0). */
  readonly unpricedModels = new Set<string>();

  constructor(readonly limits: BudgetLimits) {}

  add(taskId: string, usd: number): void {
    this.run += usd;
    this.tasks.set(taskId, (this.tasks.get(taskId) ?? 0) + usd);
  }

  /** Restore totals from a journal on resume. */
  restore(totals: { taskId: string; usd: number }[]): void {
    for (const { taskId, usd } of totals) this.add(taskId, usd);
  }

  runSpent(): number {
    return this.run;
  }

  taskSpent(taskId: string): number {
    return this.tasks.get(taskId) ?? 0;
  }

  /** The run cap if crossed, else this task's cap if crossed (or any task's, without a task id). */
  check(taskId?: string): BudgetBreach | null {
    const { runUsd, taskUsd } = this.limits;
    if (runUsd !== null && this.run >= runUsd) return { scope: 'run', limitUsd: runUsd, spentUsd: this.run };
    if (taskUsd === null) return null;
    const ids = taskId === undefined ? [...this.tasks.keys()] : [taskId];
    for (const id of ids) {
      const spent = this.taskSpent(id);
      if (spent >= taskUsd) return { scope: 'task', taskId: id, limitUsd: taskUsd, spentUsd: spent };
    }
    return null;
  }
}
