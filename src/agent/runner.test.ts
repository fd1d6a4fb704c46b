import { describe, expect, it } from 'vitest';
import { emptyUsage } from '../llm/types.js';
import { taskBudgetCheck } from './runner.js';

describe('taskBudgetCheck', () => {
  const spent = (costUsd: number) => ({ usage: emptyUsage(), costUsd });

  it('stops at the per-task dollar cap', () => {
    const check = taskBudgetCheck(2);
    expect(check(spent(1.99))).toBeNull();
    expect(check(spent(2))).toBe("the task's budget of $2.00 is spent ($2.00)");
  });

  it("asks the orchestrator's check first and has no cap without a budget", () => {
    expect(taskBudgetCheck(null)(spent(1e9))).toBeNull();
    expect(taskBudgetCheck(null, () => 'run budget spent')(spent(0))).toBe('run budget spent');
  });
});
