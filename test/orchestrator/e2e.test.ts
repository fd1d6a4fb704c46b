import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runJob } from '../../src/orchestrator/run-job.js';
import { tasksIn } from '../../src/orchestrator/run-state.js';
import type { RunEvent } from '../../src/events.js';
import { planSchema } from '../../src/orchestrator/plan.js';
import { tempRepo, runGit } from '../helpers/repo.js';
import { commonDirOf, e2eConfig, fakeServer, realExecutor, taskRules } from './e2e-helpers.js';

const write = (path: string, content: string) => ({ name: 'write_file', arguments: { path, content } });
const task = (id: string, files: string[], dependsOn: string[] = []) => ({
  id,
  title: `Task ${id}`,
  instructions: `Do ${id}.`,
  files,
  dependsOn,
});
const timeOf = (events: RunEvent[], type: string, taskId: string): number =>
  Date.parse(events.find((e) => e.type === type && 'taskId' in e && e.taskId === taskId)?.time ?? 'x');

describe('a whole run on a real repository with the fake model server', () => {
  it('runs in parallel, chains a dependency, fixes a validation failure, records a conflict and merges the rest', async () => {
    const repo = await tempRepo({ 'a.txt': 'alpha\n', 'b.txt': 'beta\n', 'README.md': '# r\n' });
    const server = await fakeServer({
      tokenLatencyMs: 0,
      rules: [
        // tc depends on ta: it must see ta's change in its worktree.
        {
          match: { anyMessage: '(id tc)', turn: 0 },
          reply: { toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
        },
        {
          match: { anyMessage: '(id tc)', turn: 1, toolResult: { name: 'read_file', content: 'ALPHA' } },
          reply: { toolCalls: [write('c.txt', 'saw ALPHA\n')] },
        },
        {
          match: { anyMessage: '(id tc)', turn: 2 },
          reply: { toolCalls: [{ name: 'finish', arguments: { summary: 'c' } }] },
        },
        // tv's first attempt fails validation; the fix round (a new conversation) repairs it.
        {
          match: { lastUser: { regex: '\\(id tv\\)[\\s\\S]*Validation failed' }, turn: 0 },
          reply: { toolCalls: [write('v.txt', 'GOOD\n')] },
        },
        ...taskRules('ta', write('a.txt', 'ALPHA\n'), { latencyMs: 300 }),
        ...taskRules('tb', write('b.txt', 'BETA\n'), { latencyMs: 300 }),
        ...taskRules('tv', write('v.txt', 'BAD\n')),
        // tx touches b.txt like tb and finishes well after tb did: it merges second and conflicts.
        ...taskRules('tx', write('b.txt', 'CONFLICT\n'), { finishAfter: 'tb-1', finishLatencyMs: 1500 }),
      ],
      fallback: { text: 'unexpected' },
    });
    const config = await e2eConfig({ validate: ['! grep -q BAD *.txt'], fixAttempts: 1 });
    const plan = planSchema.parse({
      objective: 'demo',
      tasks: [
        task('ta', ['a.txt']),
        task('tb', ['b.txt']),
        task('tc', ['c.txt'], ['ta']),
        task('tv', ['v.txt']),
        task('tx', ['b.txt']),
      ],
    });
    const { run, state } = await runJob({
      repo,
      commonDir: await commonDirOf(repo),
      plan,
      planSource: 'file',
      baseRef: 'main',
      maxAgents: 4,
      model: 'gpt-4o',
      provider: 'openai',
      confinement: 'sandboxed',
      budget: { runUsd: null, taskUsd: null },
      executor: realExecutor(repo, config, server),
    });
    const events = run.journal.history();
    expect(state.outcome).toBe('conflicts');
    expect(tasksIn(state, 'merged')).toEqual(['ta', 'tb', 'tc', 'tv']);
    expect(tasksIn(state, 'conflicted')).toEqual(['tx']);
    expect(state.tasks.tx?.conflict?.files).toEqual([{ path: 'b.txt', kind: 'content', hunks: 1 }]);
    expect(events.find((e) => e.type === 'plan.overlaps')).toMatchObject({
      pairs: [{ a: 'tb', b: 'tx', files: ['b.txt'] }],
    });

    // Independent tasks overlap in time; the dependent starts after its dependency merged.
    expect(timeOf(events, 'task.started', 'ta')).toBeLessThan(timeOf(events, 'task.merged', 'tb'));
    expect(timeOf(events, 'task.started', 'tb')).toBeLessThan(timeOf(events, 'task.merged', 'ta'));
    expect(timeOf(events, 'task.started', 'tc')).toBeGreaterThanOrEqual(timeOf(events, 'task.merged', 'ta'));

    // Validation failed once, then passed after the fix round.
    const checks = events
      .filter((e) => e.type === 'task.validated' && e.taskId === 'tv')
      .map((e) => e.type === 'task.validated' && e.ok);
    expect(checks).toEqual([false, true]);

    const branch = run.resultBranch;
    const show = (path: string) => runGit(repo, ['show', `${branch}:${path}`]);
    expect([show('a.txt'), show('b.txt'), show('c.txt'), show('v.txt')]).toEqual([
      'ALPHA',
      'BETA',
      'saw ALPHA',
      'GOOD',
    ]);
    const log = runGit(repo, ['log', '--first-parent', '--format=%B%x00', branch]);
    expect(log).toContain('maestro: merge task tc: Task tc');
    expect(log).toMatch(/Maestro-Task: tc\nMaestro-Agent: tc\.1\nMaestro-Model: gpt-4o/);
    expect(log).toMatch(/Maestro-Cost-Usd: \d+\.\d{4}/);
    // The user's checkout was never touched.
    expect(runGit(repo, ['status', '--porcelain'])).toBe('');
    expect(await readFile(join(repo, 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(runGit(repo, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('main');
  });
});
