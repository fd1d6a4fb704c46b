import { describe, expect, it } from 'vitest';
import { createJsonReporter, createLineReporter } from '../../src/cli/reporters/lines.js';
import { exitCodeFor, formatSummary } from '../../src/cli/reporters/summary.js';
import { foldRun } from '../../src/orchestrator/run-state.js';
import type { RunEvent, RunEventBody } from '../../src/events.js';
import { planSchema } from '../../src/orchestrator/plan.js';

const plan = planSchema.parse({
  objective: 'Ship it',
  tasks: [
    { id: 'a', title: 'A', instructions: 'a' },
    { id: 'b', title: 'B', instructions: 'b' },
    { id: 'c', title: 'C', instructions: 'c', dependsOn: ['b'] },
  ],
});
const usage = { inputTokens: 1000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 100 };
const bodies: RunEventBody[] = [
  {
    type: 'run.started',
    objective: 'Ship it',
    repo: '/r',
    baseRef: 'main',
    baseCommit: 'abcdef0123',
    resultBranch: 'maestro/r1/result',
    maxAgents: 2,
    model: 'gpt-4o',
    provider: 'openai',
    budget: { runUsd: null, taskUsd: null },
    pid: 1,
  },
  { type: 'plan.ready', plan, source: 'llm', usage, costUsd: 0.01 },
  {
    type: 'task.started',
    taskId: 'a',
    agentId: 'a.1',
    branch: 'x',
    worktree: '/w/a',
    baseCommit: 'abc',
    attempt: 1,
  },
  { type: 'agent.text', taskId: 'a', text: 'thinking' },
  { type: 'agent.usage', taskId: 'a', model: 'gpt-4o', provider: 'openai', usage, costUsd: 0.02 },
  { type: 'task.merged', taskId: 'a', commit: '1234567890abcdef', resultBranch: 'maestro/r1/result' },
  {
    type: 'task.conflicted',
    taskId: 'b',
    files: [{ path: 'src/x.ts', kind: 'content', hunks: 2 }],
    taskCommit: 't',
    resultCommit: 'r',
  },
  {
    type: 'run.finished',
    status: 'conflicts',
    merged: ['a'],
    failed: [],
    conflicted: ['b'],
    costUsd: 0.03,
    durationMs: 65_000,
  },
];
const events = bodies.map(
  (b, i) =>
    ({
      ...b,
      seq: i + 1,
      time: new Date(Date.UTC(2026, 0, 1, 0, 0, i === 7 ? 65 : i)).toISOString(),
      runId: 'r1',
    }) as RunEvent,
);

describe('headless reporters', () => {
  it('prints one line per meaningful event with the cost so far', () => {
    const lines: string[] = [];
    const report = createLineReporter((line) => lines.push(line));
    events.forEach(report);
    expect(lines.join('')).toBe(
      [
        'run r1: Ship it (base main abcdef01, up to 2 agents, openai gpt-4o)',
        'plan: 3 task(s) from llm [$0.0100]',
        'a: started',
        'a: merged 12345678 [$0.0300]',
        'b: CONFLICT in src/x.ts — waits for review',
        'run conflicts after 1m05s [$0.0300]',
        '',
      ].join('\n'),
    );
  });

  it('prints the conflict radar when running agents start and stop overlapping', () => {
    const lines: string[] = [];
    const report = createLineReporter((line) => lines.push(line));
    const at = (body: RunEventBody, seq: number): RunEvent =>
      ({ ...body, seq, time: '2026-01-01T00:00:00Z', runId: 'r1' }) as RunEvent;
    report(at({ type: 'radar.overlaps', pairs: [{ a: 'a', b: 'b', files: ['README.md'] }] }, 1));
    report(at({ type: 'radar.overlaps', pairs: [] }, 2));
    expect(lines.join('')).toBe(
      'radar: a & b are changing the same lines (README.md)\nradar: no running agents overlap now\n',
    );
  });

  it('prints NDJSON that parses back to the events', () => {
    const out: string[] = [];
    const report = createJsonReporter((line) => out.push(line));
    events.forEach(report);
    expect(
      out
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as RunEvent),
    ).toEqual(events);
  });

  it('summarises the end with the result branch, conflicts, cost, time and the next command', () => {
    const summary = formatSummary(foldRun('r1', events));
    expect(summary).toContain('run r1 conflicts: 1/3 tasks merged into maestro/r1/result');
    expect(summary).toContain('conflicts:  b (src/x.ts)');
    expect(summary).toContain('not run:    c');
    expect(summary).toContain('cost $0.0300, time 1m05s');
    expect(summary).toContain('maestro resolve r1');
  });

  it.each([
    ['merged', 0],
    ['failed', 1],
    ['stopped', 1],
    ['conflicts', 3],
    [undefined, 1],
  ] as const)('exit code for %s is %i', (outcome, code) => {
    expect(exitCodeFor(outcome)).toBe(code);
  });
});
