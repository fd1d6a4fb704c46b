import { describe, expect, it } from 'vitest';
import { foldRun, tasksIn } from '../../src/orchestrator/run-state.js';
import type { RunEvent, RunEventBody } from '../../src/events.js';
import type { Plan } from '../../src/orchestrator/plan.js';

const plan: Plan = {
  objective: 'o',
  tasks: [
    { id: 'a', title: 'A', instructions: 'x', files: [], dependsOn: [] },
    { id: 'b', title: 'B', instructions: 'x', files: [], dependsOn: ['a'] },
    { id: 'c', title: 'C', instructions: 'x', files: [], dependsOn: ['b'] },
  ],
};
const usage = { inputTokens: 100, cachedInputTokens: 10, cacheWriteTokens: 0, outputTokens: 20 };

function events(...bodies: RunEventBody[]): RunEvent[] {
  return bodies.map(
    (body, i) => ({ ...body, seq: i + 1, time: `2026-01-01T00:00:0${i % 10}Z`, runId: 'r' }) as RunEvent,
  );
}
const started: RunEventBody = {
  type: 'run.started',
  objective: 'o',
  repo: '/repo',
  baseRef: 'main',
  baseCommit: 'base',
  resultBranch: 'maestro/r/result',
  maxAgents: 2,
  model: 'm',
  provider: 'openai',
  budget: { runUsd: 1, taskUsd: null },
  pid: 42,
};
const start = (taskId: string, attempt = 1): RunEventBody => ({
  type: 'task.started',
  taskId,
  agentId: `agent-${taskId}`,
  branch: `maestro/r/tasks/${taskId}`,
  worktree: `/wt/${taskId}`,
  baseCommit: 'base',
  attempt,
});

describe('reduceRun', () => {
  const cases: [string, RunEventBody[], (s: ReturnType<typeof foldRun>) => unknown, unknown][] = [
    [
      'plan makes pending tasks in order',
      [started, { type: 'plan.ready', plan, source: 'file' }],
      (s) => tasksIn(s, 'pending'),
      ['a', 'b', 'c'],
    ],
    [
      'start sets the attempt and branch',
      [{ type: 'plan.ready', plan, source: 'file' }, start('a')],
      (s) => [s.tasks.a?.state, s.tasks.a?.attempt, s.tasks.a?.branch],
      ['running', 1, 'maestro/r/tasks/a'],
    ],
    [
      'usage adds to the task and the run, planning cost included',
      [
        { type: 'plan.ready', plan, source: 'llm', usage, costUsd: 0.5 },
        start('a'),
        { type: 'agent.usage', taskId: 'a', model: 'm', provider: 'openai', usage, costUsd: 0.25 },
        { type: 'agent.usage', taskId: 'a', model: 'm', provider: 'openai', usage, costUsd: 0.25 },
      ],
      (s) => [s.tasks.a?.costUsd, s.tasks.a?.usage.inputTokens, s.costUsd, s.usage.outputTokens],
      [0.5, 200, 1, 60],
    ],
    [
      'merge records the commit and moves the result head',
      [
        started,
        { type: 'plan.ready', plan, source: 'file' },
        start('a'),
        { type: 'task.committed', taskId: 'a', commit: 'c1', files: 1, insertions: 1, deletions: 0 },
        { type: 'task.merged', taskId: 'a', commit: 'm1', resultBranch: 'x' },
      ],
      (s) => [s.tasks.a?.state, s.tasks.a?.commits, s.resultHead],
      ['merged', ['c1'], 'm1'],
    ],
    [
      'conflict then resolution counts as merged',
      [
        { type: 'plan.ready', plan, source: 'file' },
        start('a'),
        {
          type: 'task.conflicted',
          taskId: 'a',
          files: [{ path: 'f', kind: 'content', hunks: 1 }],
          taskCommit: 't',
          resultCommit: 'r',
        },
        { type: 'conflict.resolved', taskId: 'a', commit: 'm2', resolvedBy: 'user' },
      ],
      (s) => [s.tasks.a?.state, s.resultHead, s.tasks.a?.conflict],
      ['merged', 'm2', undefined],
    ],
    [
      'a conflict no longer waits once resume finds the task merged, or it is retried',
      [
        { type: 'plan.ready', plan, source: 'file' },
        start('a'),
        start('b'),
        ...(['a', 'b'] as const).map((taskId): RunEventBody => ({
          type: 'task.conflicted',
          taskId,
          files: [{ path: 'f', kind: 'content', hunks: 1 }],
          taskCommit: 't',
          resultCommit: 'r',
        })),
        { type: 'task.merged', taskId: 'a', commit: 'm3', resultBranch: 'maestro/r/result' },
        { type: 'task.retried', taskId: 'b' },
      ],
      (s) => [s.tasks.a?.state, s.tasks.a?.conflict, s.tasks.b?.state, s.tasks.b?.conflict],
      ['merged', undefined, 'pending', undefined],
    ],
    [
      'a run that finished with conflicts becomes merged when the last conflict is resolved',
      [
        { type: 'plan.ready', plan: { objective: 'o', tasks: [plan.tasks[0]!] }, source: 'file' },
        start('a'),
        {
          type: 'task.conflicted',
          taskId: 'a',
          files: [{ path: 'f', kind: 'content', hunks: 1 }],
          taskCommit: 't',
          resultCommit: 'r',
        },
        {
          type: 'run.finished',
          status: 'conflicts',
          merged: [],
          failed: [],
          conflicted: ['a'],
          costUsd: 0,
          durationMs: 1,
        },
        { type: 'conflict.resolved', taskId: 'a', commit: 'm2', resolvedBy: 'user' },
      ],
      (s) => [s.tasks.a?.state, s.outcome],
      ['merged', 'merged'],
    ],
    [
      'failure and block',
      [
        { type: 'plan.ready', plan, source: 'file' },
        start('a'),
        { type: 'task.failed', taskId: 'a', reason: 'boom' },
        { type: 'task.blocked', taskId: 'b', by: ['a'] },
        { type: 'task.blocked', taskId: 'c', by: ['a'] },
      ],
      (s) => [tasksIn(s, 'failed'), tasksIn(s, 'blocked'), s.tasks.a?.reason],
      [['a'], ['b', 'c'], 'boom'],
    ],
    [
      'retry returns the task and the tasks it blocked to pending',
      [
        { type: 'plan.ready', plan, source: 'file' },
        start('a'),
        { type: 'task.failed', taskId: 'a', reason: 'boom' },
        { type: 'task.blocked', taskId: 'b', by: ['a'] },
        { type: 'task.retried', taskId: 'a' },
      ],
      (s) => tasksIn(s, 'pending'),
      ['a', 'b', 'c'],
    ],
    [
      'second start counts the attempt',
      [
        { type: 'plan.ready', plan, source: 'file' },
        start('a'),
        { type: 'task.stopped', taskId: 'a', reason: 'ctrl-c' },
        start('a', 2),
      ],
      (s) => [s.tasks.a?.state, s.tasks.a?.attempt, s.tasks.a?.reason],
      ['running', 2, undefined],
    ],
    [
      'validating, paused and resumed',
      [
        { type: 'plan.ready', plan, source: 'file' },
        start('a'),
        { type: 'task.paused', taskId: 'a' },
        { type: 'task.resumed', taskId: 'a' },
        { type: 'task.validating', taskId: 'a', command: 'npm test', attempt: 1 },
        { type: 'task.validated', taskId: 'a', command: 'npm test', ok: false, exitCode: 1, output: 'x' },
      ],
      (s) => [s.tasks.a?.state, s.tasks.a?.lastValidation],
      ['validating', { command: 'npm test', ok: false, exitCode: 1 }],
    ],
    [
      'stopping and finishing',
      [
        started,
        { type: 'run.stopping', reason: 'ctrl-c' },
        {
          type: 'run.finished',
          status: 'stopped',
          merged: [],
          failed: [],
          conflicted: [],
          costUsd: 0,
          durationMs: 5,
        },
      ],
      (s) => [s.phase, s.stopReason, s.outcome],
      ['finished', 'ctrl-c', 'stopped'],
    ],
    [
      'resume reopens a finished run',
      [
        started,
        {
          type: 'run.finished',
          status: 'stopped',
          merged: [],
          failed: [],
          conflicted: [],
          costUsd: 0,
          durationMs: 5,
        },
        { type: 'run.resumed', pid: 7 },
      ],
      (s) => [s.phase, s.outcome, s.pid],
      ['running', undefined, 7],
    ],
    [
      'budget exceeded is recorded',
      [{ type: 'budget.exceeded', scope: 'run', limitUsd: 1, spentUsd: 1.2 }],
      (s) => s.budgetExceeded,
      { scope: 'run', taskId: undefined, limitUsd: 1, spentUsd: 1.2 },
    ],
    [
      'a new run cap replaces the reached one',
      [
        started,
        { type: 'budget.exceeded', scope: 'run', limitUsd: 1, spentUsd: 1.2 },
        { type: 'budget.changed', budget: { runUsd: 3, taskUsd: null }, spentUsd: 1.2 },
      ],
      (s) => [s.budget, s.budgetExceeded],
      [{ runUsd: 3, taskUsd: null }, undefined],
    ],
    [
      'a reached task cap stays reached while it is still in force',
      [
        { type: 'budget.exceeded', scope: 'task', taskId: 'a', limitUsd: 0.5, spentUsd: 0.6 },
        { type: 'budget.changed', budget: { runUsd: 3, taskUsd: 0.5 }, spentUsd: 0.6 },
      ],
      (s) => s.budgetExceeded?.limitUsd,
      0.5,
    ],
    [
      'events for unknown tasks are ignored',
      [{ type: 'task.failed', taskId: 'ghost', reason: 'x' }],
      (s) => s.tasks,
      {},
    ],
  ];
  it.each(cases)('%s', (_name, bodies, pick, expected) => {
    const state = foldRun('r', events(...bodies));
    expect(pick(state)).toEqual(expected);
    expect(state.lastSeq).toBe(bodies.length);
  });
});
