import { describe, expect, it } from 'vitest';
import { busyRun, eventFactory, plan } from '../../../test/ui/fixtures.js';
import {
  activeCount,
  initialRunView,
  limits,
  progress,
  radarPartners,
  reduceRun,
  reduceRunBatch,
} from './run-state.js';
import type { RunEventBody } from '../../events.js';

/** A task's conflict on README.md, as the orchestrator journals it. */
const conflicted = (taskId: string): RunEventBody => ({
  type: 'task.conflicted',
  taskId,
  files: [{ path: 'README.md', kind: 'content', hunks: 1 }],
  taskCommit: 't',
  resultCommit: 'r',
});

const reduceAll = (bodies: RunEventBody[]) => {
  const ev = eventFactory();
  return reduceRunBatch(
    initialRunView(),
    bodies.map((body) => ev(body)),
  );
};

describe('run view reducer', () => {
  it('warns in the log when the agents run unconfined, and only then', () => {
    const started = busyRun()[0]!;
    const off = reduceRun(initialRunView(), { ...started, confinement: 'unconfined' } as typeof started);
    expect(off.log.map((entry) => entry.message).join('\n')).toContain('UNCONFINED');
    const on = reduceRun(initialRunView(), { ...started, confinement: 'sandboxed' } as typeof started);
    expect(on.log).toEqual([]);
  });

  it('builds tasks from the plan and the agents from their events', () => {
    const view = reduceRunBatch(initialRunView(), busyRun());
    expect(view.order).toEqual(['api', 'cli', 'docs']);
    expect(view.phase).toBe('running');
    expect(view.budget.runUsd).toBe(5);
    const api = view.tasks.get('api');
    expect(api?.state).toBe('running');
    expect(api?.title).toBe('Add the greeting API');
    expect(api?.worktree).toBe('/wt/api');
    expect([...(api?.filesChanged ?? [])]).toEqual(['src/api.ts']);
    expect(api?.tokens).toEqual({ input: 1200, cached: 300, output: 400 });
    expect(api?.costUsd).toBeCloseTo(0.25);
    expect(view.costUsd).toBeCloseTo(0.25);
    expect(view.tasks.get('docs')?.dependsOn).toEqual(['api', 'cli']);
    expect(view.findings).toEqual([
      { seq: 13, taskId: 'cli', text: 'the CLI uses commander', files: ['src/cli.ts'] },
    ]);
    expect(activeCount(view)).toBe(2);
  });

  it('coalesces streamed text and folds a tool result into its call', () => {
    const activity = reduceRunBatch(initialRunView(), busyRun()).tasks.get('api')?.activity ?? [];
    expect(activity.map((entry) => entry.kind)).toEqual(['status', 'text', 'tool', 'files']);
    expect(activity[1]).toEqual({ kind: 'text', text: 'Reading the code base first.' });
    expect(activity[2]).toEqual({
      kind: 'tool',
      callId: 'c1',
      name: 'read_file',
      args: 'src/index.ts',
      result: { ok: true, output: 'line one\nline two\nline three' },
    });
  });

  it('ignores events it has already applied (history and live overlap)', () => {
    const events = busyRun();
    const once = reduceRunBatch(initialRunView(), events);
    const twice = reduceRunBatch(once, events);
    expect(twice).toBe(once);
  });

  it('caps the activity log and the text it keeps', () => {
    const bodies: RunEventBody[] = [];
    for (let i = 0; i < limits.activity + 50; i += 1) {
      bodies.push({
        type: 'agent.tool_call',
        taskId: 't',
        callId: `c${i}`,
        name: 'run',
        args: { command: `echo ${i}` },
      });
      bodies.push({ type: 'agent.text', taskId: 't', text: 'x'.repeat(100) });
    }
    const task = reduceAll(bodies).tasks.get('t');
    expect(task?.activity.length).toBe(limits.activity);
    const long = reduceAll(
      Array.from(
        { length: 100 },
        () => ({ type: 'agent.text', taskId: 't', text: 'y'.repeat(100) }) as RunEventBody,
      ),
    );
    const entry = long.tasks.get('t')?.activity[0];
    const kept = entry?.kind === 'text' ? entry.text.length : 0;
    expect(kept).toBeGreaterThanOrEqual(limits.textChars / 2);
    expect(kept).toBeLessThanOrEqual(limits.textChars);
  });

  it.each([
    [{ type: 'task.failed', taskId: 'api', reason: 'tests failed' }, 'failed'],
    [{ type: 'task.paused', taskId: 'api' }, 'paused'],
    [{ type: 'task.stopped', taskId: 'api', reason: 'user' }, 'stopped'],
    [{ type: 'task.validating', taskId: 'api', command: 'npm test', attempt: 1 }, 'validating'],
    [{ type: 'task.merged', taskId: 'api', commit: 'c'.repeat(40), resultBranch: 'r' }, 'merged'],
    [{ type: 'task.blocked', taskId: 'api', by: ['cli'] }, 'blocked'],
    [
      {
        type: 'task.conflicted',
        taskId: 'api',
        files: [{ path: 'a.ts', kind: 'content', hunks: 2 }],
        taskCommit: 'c',
        resultCommit: 'd',
      },
      'conflicted',
    ],
  ] as [RunEventBody, string][])('%j sets the task state to %s', (body, state) => {
    const ev = eventFactory('run-1', Date.parse('2026-01-01T00:00:00Z'));
    const events = busyRun();
    const last = { ...ev(body), seq: events.length + 1 };
    const view = reduceRun(reduceRunBatch(initialRunView(), events), last);
    expect(view.tasks.get('api')?.state).toBe(state);
  });

  it('stamps the end of a task once and clears it on retry', () => {
    const view = reduceAll([
      {
        type: 'task.started',
        taskId: 't',
        agentId: 'a',
        branch: 'b',
        worktree: '/w',
        baseCommit: 'x',
        attempt: 1,
      },
      { type: 'task.failed', taskId: 't', reason: 'boom' },
    ]);
    const failed = view.tasks.get('t');
    expect((failed?.endedAt ?? 0) - (failed?.startedAt ?? 0)).toBe(1000);
    expect(failed?.reason).toBe('boom');
    const ev = eventFactory();
    const retried = reduceRun(view, { ...ev({ type: 'task.retried', taskId: 't' }), seq: 3 });
    expect(retried.tasks.get('t')).toMatchObject({ state: 'pending', endedAt: undefined, reason: undefined });
  });

  it('names radar pairs for both agents and clears them when the run ends', () => {
    const view = reduceAll([
      { type: 'plan.ready', plan, source: 'llm' },
      { type: 'radar.overlaps', pairs: [{ a: 'api', b: 'cli', files: ['src/shared.ts'] }] },
    ]);
    expect(radarPartners(view, 'api')).toEqual(['cli']);
    expect(radarPartners(view, 'cli')).toEqual(['api']);
    expect(radarPartners(view, 'docs')).toEqual([]);
    const ev = eventFactory();
    const finished = reduceRun(view, {
      ...ev({
        type: 'run.finished',
        status: 'merged',
        merged: [],
        failed: [],
        conflicted: [],
        costUsd: 0,
        durationMs: 1,
      }),
      seq: 3,
    });
    expect(finished.radar).toEqual([]);
    expect(finished.phase).toBe('finished');
  });

  it('counts progress as merged tasks over all tasks', () => {
    const view = reduceAll([
      { type: 'plan.ready', plan, source: 'llm' },
      { type: 'task.merged', taskId: 'api', commit: 'c', resultBranch: 'r' },
      { type: 'budget.exceeded', scope: 'run', limitUsd: 1, spentUsd: 2 },
    ]);
    expect(progress(view)).toEqual({ done: 1, total: 3 });
    expect(view.budgetExceeded).toBe(true);
  });
  it('shows a new run cap from a resume and no longer reads as over budget', () => {
    const view = reduceAll([
      { type: 'budget.exceeded', scope: 'run', limitUsd: 1, spentUsd: 2 },
      { type: 'run.resumed', pid: 2 },
      { type: 'budget.changed', budget: { runUsd: 5, taskUsd: null }, spentUsd: 2 },
    ]);
    expect(view.budget).toEqual({ runUsd: 5, taskUsd: null });
    expect(view.budgetExceeded).toBe(false);
  });
  it('settles a run that finished with conflicts as merged once the last one is resolved', () => {
    const view = reduceAll([
      { type: 'plan.ready', plan, source: 'llm' },
      { type: 'task.merged', taskId: 'api', commit: 'c', resultBranch: 'r' },
      conflicted('cli'),
      conflicted('docs'),
      {
        type: 'run.finished',
        status: 'conflicts',
        merged: ['api'],
        failed: [],
        conflicted: ['cli', 'docs'],
        costUsd: 0,
        durationMs: 1,
      },
      { type: 'conflict.resolved', taskId: 'cli', commit: 'c2', resolvedBy: 'me' },
    ]);
    expect(view.tasks.get('cli')?.state).toBe('merged');
    expect(view.tasks.get('cli')?.conflicts).toBeUndefined();
    expect(view.tasks.get('docs')?.conflicts).toHaveLength(1);
    expect(view.finalStatus).toBe('conflicts');
    const ev = eventFactory();
    const last = ev({ type: 'conflict.resolved', taskId: 'docs', commit: 'c3', resolvedBy: 'me' });
    expect(reduceRun(view, { ...last, seq: 7 }).finalStatus).toBe('merged');
  });
  it('drops the conflict files of a task resume finds merged, or that is retried', () => {
    const view = reduceAll([
      { type: 'plan.ready', plan, source: 'llm' },
      conflicted('cli'),
      conflicted('docs'),
      { type: 'task.merged', taskId: 'cli', commit: 'c', resultBranch: 'r' },
      { type: 'task.retried', taskId: 'docs' },
    ]);
    expect(view.tasks.get('cli')?.conflicts).toBeUndefined();
    expect(view.tasks.get('docs')?.conflicts).toBeUndefined();
  });
});
