import { describe, expect, it, vi } from 'vitest';
import { Scheduler, type TaskExecutor } from '../../src/orchestrator/scheduler.js';
import { tasksIn } from '../../src/orchestrator/run-state.js';
import { planOf, startedJournal, timedExecutor, type Interval } from './sched-helpers.js';

const overlap = (a: Interval, b: Interval): boolean => a.start < b.end && b.start < a.end;
const byId = (intervals: Interval[], id: string): Interval => intervals.find((i) => i.id === id) as Interval;

describe('Scheduler', () => {
  it('runs independent tasks at the same time, up to maxAgents', async () => {
    const journal = await startedJournal(planOf(['a'], ['b'], ['c'], ['d'], ['e']));
    const intervals: Interval[] = [];
    const final = await new Scheduler({
      log: journal,
      runTask: timedExecutor(80, intervals),
      maxAgents: 3,
    }).run();
    expect(final.outcome).toBe('merged');
    expect(tasksIn(final, 'merged')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(overlap(byId(intervals, 'a'), byId(intervals, 'b'))).toBe(true);
    expect(overlap(byId(intervals, 'a'), byId(intervals, 'c'))).toBe(true);
    // Never more than three at once.
    for (const i of intervals) {
      expect(intervals.filter((j) => j.start <= i.start && i.start < j.end).length).toBeLessThanOrEqual(3);
    }
    const finished = journal.history().at(-1);
    expect(finished).toMatchObject({
      type: 'run.finished',
      status: 'merged',
      merged: ['a', 'b', 'c', 'd', 'e'],
    });
    await journal.close();
  });

  it('starts a dependent only after its dependency merged, from the result head', async () => {
    const journal = await startedJournal(planOf(['a'], ['b', ['a']], ['c', ['b']], ['x']));
    const intervals: Interval[] = [];
    await new Scheduler({ log: journal, runTask: timedExecutor(30, intervals), maxAgents: 4 }).run();
    expect(byId(intervals, 'b').start).toBeGreaterThanOrEqual(byId(intervals, 'a').end);
    expect(byId(intervals, 'c').start).toBeGreaterThanOrEqual(byId(intervals, 'b').end);
    expect([byId(intervals, 'a').base, byId(intervals, 'b').base, byId(intervals, 'c').base]).toEqual([
      'base0',
      'm-a',
      'm-b',
    ]);
    expect(overlap(byId(intervals, 'a'), byId(intervals, 'x'))).toBe(true);
    await journal.close();
  });

  it('starts the next task the moment a slot frees (no waiting for a wave)', async () => {
    const journal = await startedJournal(planOf(['slow'], ['fast'], ['next']));
    const intervals: Interval[] = [];
    const runTask = async (...args: Parameters<ReturnType<typeof timedExecutor>>) =>
      timedExecutor(args[0].id === 'slow' ? 400 : 30, intervals)(...args);
    await new Scheduler({ log: journal, runTask, maxAgents: 2 }).run();
    expect(byId(intervals, 'next').end).toBeLessThan(byId(intervals, 'slow').end);
    await journal.close();
  });

  it('gives the slot of a task waiting to merge to the next task', async () => {
    const journal = await startedJournal(planOf(['a'], ['b']));
    let bStarted!: () => void;
    const bIsRunning = new Promise<void>((resolve) => (bStarted = resolve));
    const runTask: TaskExecutor = async (task, ctx) => {
      if (task.id === 'b') {
        bStarted();
        return { kind: 'merged', commit: 'm-b' };
      }
      // a's merge waits until b runs: with one agent slot, b must have been given a's slot.
      return ctx.serializeMerge(async () => {
        await bIsRunning;
        return { kind: 'merged', commit: 'm-a' };
      });
    };
    const final = await new Scheduler({ log: journal, runTask, maxAgents: 1 }).run();
    expect(tasksIn(final, 'merged')).toEqual(['a', 'b']);
    await journal.close();
  });

  it('blocks only the dependents of a failed task (transitively) and carries on', async () => {
    const journal = await startedJournal(
      planOf(['bad'], ['child', ['bad']], ['grandchild', ['child']], ['ok']),
    );
    const intervals: Interval[] = [];
    const runTask = timedExecutor(20, intervals, (task) =>
      task.id === 'bad'
        ? { kind: 'failed', reason: 'tests failed' }
        : { kind: 'merged', commit: `m-${task.id}` },
    );
    const final = await new Scheduler({ log: journal, runTask, maxAgents: 4 }).run();
    expect(final.outcome).toBe('failed');
    expect(tasksIn(final, 'merged')).toEqual(['ok']);
    expect(tasksIn(final, 'blocked')).toEqual(['child', 'grandchild']);
    expect(final.tasks.grandchild?.blockedBy).toEqual(['child']);
    expect(intervals.map((i) => i.id).sort()).toEqual(['bad', 'ok']);
    await journal.close();
  });

  it('turns a throwing executor into a failed task', async () => {
    const journal = await startedJournal(planOf(['a']));
    const final = await new Scheduler({
      log: journal,
      runTask: () => Promise.reject(new Error('worktree exploded')),
      maxAgents: 1,
    }).run();
    expect(final.tasks.a).toMatchObject({ state: 'failed', reason: 'worktree exploded' });
    await journal.close();
  });

  it('lets dependents of a conflicted task wait and finishes with conflicts', async () => {
    const journal = await startedJournal(planOf(['a'], ['b', ['a']], ['c']));
    const intervals: Interval[] = [];
    const runTask = timedExecutor(10, intervals, (task) =>
      task.id === 'a'
        ? {
            kind: 'conflicted',
            files: [{ path: 'f', kind: 'content', hunks: 1 }],
            taskCommit: 't',
            resultCommit: 'r',
          }
        : { kind: 'merged', commit: `m-${task.id}` },
    );
    const final = await new Scheduler({ log: journal, runTask, maxAgents: 2 }).run();
    expect(final.outcome).toBe('conflicts');
    expect([final.tasks.a?.state, final.tasks.b?.state, final.tasks.c?.state]).toEqual([
      'conflicted',
      'pending',
      'merged',
    ]);
    await journal.close();
  });

  it('stops new work when the run budget is reached', async () => {
    const journal = await startedJournal(planOf(['a'], ['b'], ['c'], ['d']), { runUsd: 1 });
    const intervals: Interval[] = [];
    // Both running tasks report their spend before either finishes, so no slot frees under budget.
    let reported = 0;
    let bothReported!: () => void;
    const barrier = new Promise<void>((resolve) => (bothReported = resolve));
    const runTask = timedExecutor(20, intervals, async (task, ctx) => {
      await ctx.emit({
        type: 'agent.usage',
        taskId: task.id,
        model: 'm',
        provider: 'openai',
        usage: { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1 },
        costUsd: 0.6,
      });
      if (++reported === 2) bothReported();
      await barrier;
      return { kind: 'merged', commit: `m-${task.id}` };
    });
    const final = await new Scheduler({ log: journal, runTask, maxAgents: 2 }).run();
    expect(final.outcome).toBe('stopped');
    expect(tasksIn(final, 'merged')).toEqual(['a', 'b']);
    expect(tasksIn(final, 'pending')).toEqual(['c', 'd']);
    const types = journal.history().map((e) => e.type);
    expect(types).toContain('budget.exceeded');
    expect(types.indexOf('run.stopping')).toBeGreaterThan(types.indexOf('budget.exceeded'));

    // `maestro resume --budget 2.2`: the pending tasks start again, and the new cap is enforced in turn.
    await journal.append({ type: 'run.resumed', pid: process.pid });
    await journal.append({ type: 'budget.changed', budget: { runUsd: 2.2, taskUsd: null }, spentUsd: 1.2 });
    const again = await new Scheduler({ log: journal, runTask, maxAgents: 1 }).run();
    expect(tasksIn(again, 'merged')).toEqual(['a', 'b', 'c', 'd']);
    expect(again.outcome).toBe('stopped');
    expect(again.budgetExceeded).toMatchObject({ scope: 'run', limitUsd: 2.2 });
    expect(again.budgetExceeded?.spentUsd).toBeCloseTo(2.4);
    await journal.close();
  });

  it('stops a task over its own budget, the others carry on', async () => {
    const journal = await startedJournal(planOf(['greedy'], ['fine']), { taskUsd: 0.5 });
    const runTask = timedExecutor(2_000, [], () => ({ kind: 'merged', commit: 'x' }));
    const spending = async (...args: Parameters<typeof runTask>) => {
      const [task, ctx] = args;
      if (task.id === 'greedy') {
        const usage = { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1 };
        await ctx.emit({
          type: 'agent.usage',
          taskId: task.id,
          model: 'm',
          provider: 'openai',
          usage,
          costUsd: 0.7,
        });
        return runTask(...args);
      }
      return { kind: 'merged' as const, commit: 'm-fine' };
    };
    const final = await new Scheduler({ log: journal, runTask: spending, maxAgents: 2 }).run();
    expect(final.tasks.greedy).toMatchObject({ state: 'stopped', reason: 'task budget of $0.5 reached' });
    expect(final.tasks.fine?.state).toBe('merged');
    expect(journal.history().find((e) => e.type === 'budget.exceeded')).toMatchObject({
      scope: 'task',
      taskId: 'greedy',
    });
    await journal.close();
  });

  it('stops gracefully on abort: agents told to stop, nothing new starts, the journal says where', async () => {
    const journal = await startedJournal(planOf(['a'], ['b'], ['c']));
    const intervals: Interval[] = [];
    const controller = new AbortController();
    const scheduler = new Scheduler({
      log: journal,
      runTask: timedExecutor(10_000, intervals),
      maxAgents: 2,
      signal: controller.signal,
    });
    const running = scheduler.run();
    await vi.waitFor(() => expect(tasksIn(scheduler.current, 'running')).toEqual(['a', 'b']));
    controller.abort();
    const final = await running;
    expect(final.outcome).toBe('stopped');
    expect([final.tasks.a?.state, final.tasks.b?.state, final.tasks.c?.state]).toEqual([
      'stopped',
      'stopped',
      'pending',
    ]);
    expect(final.stopReason).toBe('interrupted (Ctrl-C)');
    await journal.close();
  });

  it('retries a failed task while the run goes on, then runs its dependents', async () => {
    const journal = await startedJournal(planOf(['flaky'], ['after', ['flaky']], ['long']));
    let calls = 0;
    let open = (): void => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const scheduler = new Scheduler({
      log: journal,
      maxAgents: 3,
      runTask: async (task, ctx) => {
        if (task.id === 'long') await gate;
        return timedExecutor(5, [], (t) => {
          if (t.id === 'flaky' && (calls += 1) === 1) return { kind: 'failed', reason: 'first time' };
          return { kind: 'merged', commit: `m-${t.id}` };
        })(task, ctx);
      },
    });
    const running = scheduler.run();
    await vi.waitFor(() => expect(scheduler.current.tasks.after?.state).toBe('blocked'));
    await scheduler.retryTask('flaky');
    await vi.waitFor(() => expect(scheduler.current.tasks.after?.state).toBe('merged'));
    open();
    const final = await running;
    expect(final.outcome).toBe('merged');
    expect(final.tasks.flaky?.attempt).toBe(2);
    await journal.close();
  });
});
