import { describe, expect, it } from 'vitest';
import { resumeHint } from '../../src/cli/resume-hint.js';
import { foldRun } from '../../src/orchestrator/run-state.js';
import type { RunEvent, RunEventBody } from '../../src/events.js';
import { eventFactory } from '../ui/fixtures.js';

function history(...bodies: RunEventBody[]): RunEvent[] {
  const next = eventFactory('run-1');
  return bodies.map((body) => next(body));
}

const started: RunEventBody[] = [
  {
    type: 'run.started',
    objective: 'o',
    repo: '/r',
    baseRef: 'main',
    baseCommit: 'b0',
    resultBranch: 'maestro/run-1/result',
    maxAgents: 2,
    model: 'm',
    provider: 'openai',
    budget: { runUsd: null, taskUsd: null },
    pid: 1,
  },
  {
    type: 'plan.ready',
    source: 'file',
    plan: {
      objective: 'o',
      tasks: [
        { id: 'a', title: 'A', instructions: 'a', files: [], dependsOn: [] },
        { id: 'b', title: 'B', instructions: 'b', files: [], dependsOn: ['a'] },
        { id: 'c', title: 'C', instructions: 'c', files: [], dependsOn: [] },
      ],
    },
  },
  {
    type: 'task.started',
    taskId: 'a',
    agentId: 'a.1',
    branch: 'maestro/run-1/tasks/a',
    worktree: '/w/a',
    baseCommit: 'b0',
    attempt: 1,
  },
  {
    type: 'task.conflicted',
    taskId: 'a',
    files: [{ path: 'f', kind: 'content', hunks: 1 }],
    taskCommit: 't',
    resultCommit: 'r',
  },
];
const finished: RunEventBody = {
  type: 'run.finished',
  status: 'conflicts',
  merged: ['c'],
  failed: [],
  conflicted: ['a'],
  costUsd: 0,
  durationMs: 1,
};
const resolved: RunEventBody = { type: 'conflict.resolved', taskId: 'a', commit: 'm', resolvedBy: 'me' };

describe('resumeHint', () => {
  it('names the tasks a resolution unblocked in a run that has ended, and the command to start them', () => {
    expect(resumeHint(foldRun('run-1', history(...started, finished)))).toBeUndefined();
    expect(resumeHint(foldRun('run-1', history(...started, finished, resolved)))).toBe(
      '1 task(s) waited for this and can start now (b): run `maestro resume run-1`\n',
    );
  });

  it('asks for a bigger budget when the run stopped on its budget', () => {
    const over: RunEventBody = { type: 'budget.exceeded', scope: 'run', limitUsd: 1, spentUsd: 1.5 };
    const hint = resumeHint(foldRun('run-1', history(...started, over, finished, resolved)));
    expect(hint).toContain('maestro resume run-1 --budget <usd above $');
  });

  it('says nothing while the run still goes: its scheduler starts them', () => {
    expect(resumeHint(foldRun('run-1', history(...started, resolved)))).toBeUndefined();
  });
});
