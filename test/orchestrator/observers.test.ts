import { describe, expect, it, vi } from 'vitest';
import { runJob, type RunJobOptions } from '../../src/orchestrator/run-job.js';
import { tasksIn } from '../../src/orchestrator/run-state.js';
import type { EventOf, RunEvent } from '../../src/events.js';
import { planSchema } from '../../src/orchestrator/plan.js';
import type { Journal } from '../../src/orchestrator/journal.js';
import type { FakeScenario } from '../../src/llm/fake/index.js';
import { WatchLimitError, WorktreeWatcher } from '../../src/watch/worktree-watcher.js';
import { tempRepo } from '../helpers/repo.js';
import { commonDirOf, e2eConfig, fakeServer, realExecutor, taskRules } from './e2e-helpers.js';

const base = 'one\ntwo\nthree\nfour\nfive\n';
const write = (path: string, content: string) => ({ name: 'write_file', arguments: { path, content } });
const task = (id: string, files: string[]) => ({
  id,
  title: `Task ${id}`,
  instructions: `Do ${id}.`,
  files,
  dependsOn: [],
});

/** Turn 0 does `first` at once; the finish waits `holdMs`, so the agent stays running meanwhile. */
function slowFinish(id: string, first: { name: string; arguments: Record<string, unknown> }, holdMs: number) {
  return [
    { match: { anyMessage: `(id ${id})`, turn: 0 }, reply: { toolCalls: [first] } },
    {
      match: { anyMessage: `(id ${id})`, turn: 1 },
      reply: { toolCalls: [{ name: 'finish', arguments: { summary: `did ${id}` } }], latencyMs: holdMs },
    },
  ] satisfies FakeScenario['rules'];
}

async function observedRun(
  files: Record<string, string>,
  rules: FakeScenario['rules'],
  tasks: ReturnType<typeof task>[],
  extra: Partial<RunJobOptions> & { allowCommands?: string[] } = {},
) {
  const repo = await tempRepo(files);
  const server = await fakeServer({ tokenLatencyMs: 0, rules, fallback: { text: 'unexpected' } });
  const config = await e2eConfig({ allowCommands: extra.allowCommands ?? [] });
  return runJob({
    repo,
    commonDir: await commonDirOf(repo),
    plan: planSchema.parse({ objective: 'observe', tasks }),
    planSource: 'file',
    baseRef: 'main',
    maxAgents: tasks.length,
    model: 'gpt-4o',
    provider: 'openai',
    confinement: 'sandboxed',
    budget: { runUsd: null, taskUsd: null },
    executor: realExecutor(repo, config, server),
    ...extra,
  });
}

const fsWatches = (): number => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;
const ofType = <T extends RunEvent['type']>(events: RunEvent[], type: T) =>
  events.filter((e): e is EventOf<T> => e.type === type);

describe('run observers: worktree watchers and the conflict radar', () => {
  it('journals edits an agent made outside its tools, and names two running agents editing the same line before any merge', async () => {
    const watchesBefore = fsWatches();
    const { run, state } = await observedRun(
      { 'shared.txt': base, 'README.md': '# r\n' },
      [
        ...slowFinish('ta', write('shared.txt', base.replace('two', 'TWO from ta')), 2500),
        ...slowFinish('tb', write('shared.txt', base.replace('two', 'TWO from tb')), 2500),
        ...taskRules('tg', { name: 'run_command', arguments: { command: 'echo generated > gen.txt' } }),
      ],
      [task('ta', ['shared.txt']), task('tb', ['shared.txt']), task('tg', ['gen.txt'])],
      { allowCommands: ['echo generated > gen.txt'], observe: { radarIntervalMs: 300 } },
    );
    const events = run.journal.history();
    expect(tasksIn(state, 'merged')).toContain('tg');
    expect([...tasksIn(state, 'merged'), ...tasksIn(state, 'conflicted')].sort()).toEqual(['ta', 'tb', 'tg']);

    // The shell command's file came from the watcher; the agents' own writes were not echoed.
    const changes = ofType(events, 'agent.files_changed');
    const watched = changes.filter((e) => e.source === 'watcher');
    expect(watched).toContainEqual(
      expect.objectContaining({ taskId: 'tg', files: [{ path: 'gen.txt', kind: 'add' }] }),
    );
    expect(watched.flatMap((e) => e.files.map((f) => f.path))).not.toContain('shared.txt');
    expect(
      changes
        .filter((e) => e.source === undefined)
        .map((e) => e.taskId)
        .sort(),
    ).toEqual(['ta', 'tb']);

    // The radar named the pair while both ran, and cleared it once one of them merged.
    const radar = ofType(events, 'radar.overlaps');
    const firstMerge = Math.min(
      ...ofType(events, 'task.merged')
        .filter((e) => e.taskId !== 'tg')
        .map((e) => e.seq),
    );
    expect(radar[0]?.pairs).toEqual([{ a: 'ta', b: 'tb', files: ['shared.txt'] }]);
    expect(radar[0]?.seq).toBeLessThan(firstMerge);
    expect(radar.at(-1)?.pairs).toEqual([]);
    expect(radar.at(-1)?.seq).toBeGreaterThan(radar[0]?.seq ?? Infinity);
    // No watcher outlives the run.
    expect(fsWatches()).toBe(watchesBefore);
  }, 30_000);

  it('closes every watcher when the run is stopped (Ctrl-C) while agents are running', async () => {
    const watchesBefore = fsWatches();
    const controller = new AbortController();
    let journal: Journal | undefined;
    const running = observedRun(
      { 'README.md': '# r\n' },
      [
        ...slowFinish('ta', write('a.txt', 'a\n'), 20_000),
        ...slowFinish('tb', write('b.txt', 'b\n'), 20_000),
      ],
      [task('ta', ['a.txt']), task('tb', ['b.txt'])],
      { signal: controller.signal, onJournal: (j) => (journal = j) },
    );
    await vi.waitFor(
      () => {
        expect(journal?.history().filter((e) => e.type === 'agent.files_changed')).toHaveLength(2);
        expect(fsWatches()).toBeGreaterThan(watchesBefore);
      },
      { timeout: 10_000 },
    );
    controller.abort();
    const { state } = await running;
    expect(state.outcome).toBe('stopped');
    expect(fsWatches()).toBe(watchesBefore);
  }, 30_000);

  it('a full kernel watch table is one warning, and the tasks go on unwatched', async () => {
    const { run, state } = await observedRun(
      { 'README.md': '# r\n' },
      [...taskRules('ta', write('a.txt', 'a\n')), ...taskRules('tb', write('b.txt', 'b\n'))],
      [task('ta', ['a.txt']), task('tb', ['b.txt'])],
      {
        observe: {
          createWatcher: (options) => ({
            start: () => Promise.reject(new WatchLimitError(options.root, { code: 'ENOSPC' })),
            close: () => Promise.resolve(),
          }),
        },
      },
    );
    expect(state.outcome).toBe('merged');
    const warnings = ofType(run.journal.history(), 'log').filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('fs.inotify.max_user_watches');
  }, 30_000);

  it('watches a built-in agent’s worktree only from its first tool call that may write unreported', async () => {
    let journal: Journal | undefined;
    // Per watcher made: its task, and whether that task's agent had called run_command by then.
    const made: { taskId: string; afterCommand: boolean }[] = [];
    const { run, state } = await observedRun(
      { 'README.md': '# r\n' },
      [
        ...taskRules('ta', write('a.txt', 'a\n')),
        ...taskRules('tg', { name: 'run_command', arguments: { command: 'echo generated > gen.txt' } }),
      ],
      [task('ta', ['a.txt']), task('tg', ['gen.txt'])],
      {
        allowCommands: ['echo generated > gen.txt'],
        onJournal: (j) => (journal = j),
        observe: {
          builtinAgents: true,
          createWatcher: (options) => {
            const calls = ofType(journal?.history() ?? [], 'agent.tool_call');
            made.push({
              taskId: options.taskId,
              afterCommand: calls.some((e) => e.taskId === options.taskId && e.name === 'run_command'),
            });
            return new WorktreeWatcher(options);
          },
        },
      },
    );
    expect(state.outcome).toBe('merged');
    // ta only wrote through write_file, which reports its writes: never watched.
    expect(made).toEqual([{ taskId: 'tg', afterCommand: true }]);
    const agentReports = ofType(run.journal.history(), 'agent.files_changed').filter((e) => !e.source);
    expect(agentReports).toContainEqual(
      expect.objectContaining({ taskId: 'ta', files: [{ path: 'a.txt', kind: 'add' }] }),
    );
  }, 30_000);
});
