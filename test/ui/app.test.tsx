import { readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import stripAnsi from 'strip-ansi';
import { describe, expect, it, vi } from 'vitest';
import { TuiApp } from '../../src/ui/components/App.js';
import { keys, renderTui } from '../helpers/render-tui.js';
import { tempDir } from '../helpers/repo.js';
import { busyRun, eventFactory, MemorySource, plan, recordingControl } from './fixtures.js';
import type { RunEvent } from '../../src/events.js';

function setup(
  options: { columns?: number; rows?: number; events?: RunEvent[]; env?: NodeJS.ProcessEnv } = {},
) {
  const source = new MemorySource(options.events ?? busyRun());
  const { control, sent } = recordingControl();
  const loadDiff = vi.fn(
    async () => '--- a/src/api.ts\n+++ b/src/api.ts\n@@ -1 +1 @@\n-old line\n+new line\n',
  );
  const tui = renderTui(
    <TuiApp
      source={source}
      control={control}
      loadDiff={loadDiff}
      env={options.env ?? { SHELL: '/bin/true' }}
    />,
    { columns: options.columns ?? 120, rows: options.rows ?? 30 },
  );
  const next = eventFactory('run-1');
  // Continue numbering after the history.
  for (let i = 0; i < source.events.length; i += 1) next({ type: 'log', level: 'info', message: '' });
  return { source, sent, tui, loadDiff, next };
}

describe('dashboard', () => {
  it('shows agents, the focused activity, the plan, the feed and cost against budget', async () => {
    const { tui } = setup();
    const frame = await tui.waitFor('Activity · api');
    expect(frame).toContain('Agents 2/3 active');
    // The footer sums the run up by state.
    expect(frame).toContain('2 running · 1 pending');
    expect(frame).toMatch(/Add a greet command\s+running/);
    expect(frame).toContain('$0.25');
    expect(frame).toContain('Activity · api');
    expect(frame).toContain('Reading the code base first.');
    expect(frame).toContain('▸ read_file src/index.ts');
    expect(frame).toContain('✓ line one (+2 lines)');
    expect(frame).toContain('✎ added src/api.ts');
    expect(frame).toContain('0/3 merged');
    expect(frame).toContain('docs ← api, cli');
    expect(frame).toContain('[cli] the CLI uses commander');
    expect(frame).toContain('cost $0.25/$5.00');
    expect(frame).toContain('? help');
  });

  it('has an agent selected in the very first frame that lists the agents', async () => {
    const { tui } = setup();
    await tui.waitFor('Activity · api');
    const first = tui.stdout.frames.map(stripAnsi).find((frame) => frame.includes('Agents 2/3'));
    expect(first).toContain('Activity · api');
  });

  it('keeps the frame one row shorter than the terminal, stacks when narrow and follows resizes', async () => {
    const { tui } = setup({ columns: 70, rows: 40 });
    let frame = await tui.waitFor('Activity · api');
    let lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(39);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(70);
    // Stacked: the agents pane title and the activity pane title are on different rows.
    const row = (text: string) => lines.findIndex((line) => line.includes(text));
    expect(row('Activity · api')).toBeGreaterThan(row('Agents 2/3'));
    tui.resize(140, 30);
    frame = await tui.waitFor(/Agents 2\/3 active.*Activity · api/);
    lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(29);
  });

  it('keeps long titles, paths and streamed text inside their panes', async () => {
    const { tui, source, next } = setup();
    await tui.waitFor('Activity · api');
    const long = 'x'.repeat(400);
    source.emit(
      next({
        type: 'plan.ready',
        plan: { ...plan, tasks: plan.tasks.map((t) => ({ ...t, title: long })) },
        source: 'llm',
      }),
      next({ type: 'agent.text', taskId: 'api', text: `\nSTREAM${'y'.repeat(400)}` }),
      next({
        type: 'agent.tool_call',
        taskId: 'api',
        callId: 'c9',
        name: 'read_file',
        args: { path: `${long}.ts` },
      }),
    );
    const frame = await tui.waitFor('STREAM');
    const lines = frame.split('\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(120);
    // Side by side at 120 columns: the agents pane is 66 wide, so every row of the top panes has the
    // agents pane's right border at column 65 and the activity pane's left border at 66.
    const rows = lines.slice(1, 16);
    expect(rows.some((line) => line.includes('xxxxxxxx'))).toBe(true);
    for (const line of rows) expect(line.slice(65, 67)).toBe('││');
  });

  it('moves between agents with j/k and arrows, and pins the focus with enter', async () => {
    const { tui } = setup();
    await tui.waitFor('Activity · api');
    await tui.press('j');
    await tui.waitFor('Activity · cli');
    await tui.press(keys.down);
    await tui.waitFor('Activity · docs');
    await tui.press('k');
    await tui.waitFor('Activity · cli');
    await tui.press(keys.enter);
    await tui.press(keys.tab, keys.tab, keys.tab);
    // Back on the agents pane; moving no longer changes the pinned activity.
    await tui.press('k');
    await tui.waitFor('»Add a greet');
    expect(tui.frame()).toContain('Activity · cli');
  });

  it("draws a key's frame first, without the events still waiting for their batch", async () => {
    const { tui, source, next } = setup();
    await tui.waitFor('Activity · api');
    const before = tui.stdout.frames.length;
    // Queued for the next batch, then a key in the same turn: the key must not wait for the batch,
    // nor apply it first.
    source.emit(next({ type: 'agent.text', taskId: 'cli', text: 'QUEUED-TEXT' }));
    await tui.press('j');
    await tui.waitFor('QUEUED-TEXT');
    const frames = tui.stdout.frames.slice(before).map((frame) => stripAnsi(frame));
    const keyFrame = frames.findIndex((frame) => frame.includes('Activity · cli'));
    expect(keyFrame).toBeGreaterThanOrEqual(0);
    expect(frames[keyFrame]).not.toContain('QUEUED-TEXT');
    expect(frames.findIndex((frame) => frame.includes('QUEUED-TEXT'))).toBeGreaterThan(keyFrame);
  });

  it('renders live events in batches', async () => {
    const { tui, source, next } = setup();
    await tui.waitFor('Activity · api');
    for (let i = 0; i < 200; i += 1)
      source.emit(next({ type: 'agent.text', taskId: 'api', text: `tok${i} ` }));
    source.emit(next({ type: 'agent.text', taskId: 'api', text: '\nTHE END' }));
    await tui.waitFor('THE END');
    // 200 events, a handful of frames: never one per event.
    expect(tui.stdout.frames.length).toBeLessThan(20);
  });

  it('marks both agents of a radar overlap and names the pair', async () => {
    const { tui, source, next } = setup();
    await tui.waitFor('Activity · api');
    source.emit(next({ type: 'radar.overlaps', pairs: [{ a: 'api', b: 'cli', files: ['src/shared.ts'] }] }));
    const frame = await tui.waitFor('⚡cli');
    expect(frame).toContain('⚡api');
    expect(frame).toContain('overlaps cli in src/shared.ts');
  });

  it('sends pause, stop and retry for the selected agent', async () => {
    const { tui, sent, source, next } = setup();
    await tui.waitFor('Activity · api');
    await tui.press('p');
    await tui.waitFor('sent: pause api');
    await tui.press('j', 'x');
    await tui.waitFor('sent: stop cli');
    source.emit(next({ type: 'task.failed', taskId: 'cli', reason: 'tests failed' }));
    await tui.waitFor(/Add a greet command\s+failed/);
    await tui.press('r');
    await tui.waitFor('sent: retry cli');
    expect(sent).toEqual([
      { type: 'pause', taskId: 'api' },
      { type: 'stop', taskId: 'cli' },
      { type: 'retry', taskId: 'cli' },
    ]);
  });

  it('rings the bell and sends OSC 777 when an agent needs attention', async () => {
    const { tui, source, next } = setup();
    await tui.waitFor('Activity · api');
    expect(tui.stdout.written).not.toContain('\x07');
    source.emit(next({ type: 'task.failed', taskId: 'api', reason: 'boom' }));
    await vi.waitFor(() =>
      expect(tui.stdout.written).toContain('\x1b]777;notify;maestro;task api failed\x07'),
    );
  });

  it('shows help from the keymap, the merge state and the diff, each closed with escape', async () => {
    const { tui, loadDiff } = setup();
    await tui.waitFor('Activity · api');
    await tui.press('?');
    await tui.waitFor('Keys (esc or ? to close)');
    expect(tui.frame()).toContain('shell in worktree');
    await tui.press(keys.escape);
    await tui.waitFor('Activity · api');
    await tui.press('m');
    await tui.waitFor('Merge state · result branch maestro/run-1/result');
    expect(tui.frame()).toMatch(/in progress \(2\)/);
    await tui.press('m');
    await tui.waitFor('Activity · api');
    await tui.press('d');
    await tui.waitFor('+new line');
    expect(loadDiff).toHaveBeenCalledTimes(1);
    await tui.press(keys.escape);
    await tui.waitFor('Activity · api');
  });

  it('filters agents with /', async () => {
    const { tui } = setup();
    await tui.waitFor('Activity · api');
    await tui.press('/', 'd', 'o', 'c');
    await tui.waitFor('/doc█');
    await tui.press(keys.enter);
    // The agents pane's title names the filter and how many agents pass it.
    const frame = await tui.waitFor('Agents 2/3 active · /doc: 1');
    expect(frame).toContain('Document greeting');
    expect(frame).not.toContain('Add a greet command');
    expect(frame).toContain('Activity · docs');
  });

  it('asks before quitting while agents run; stop sends stopRun and exits', async () => {
    const { tui, sent } = setup();
    await tui.waitFor('Activity · api');
    await tui.press('q');
    await tui.waitFor('2 agents are still running.');
    await tui.press('s');
    await expect(tui.waitUntilExit()).resolves.toBe('stop');
    expect(sent).toEqual([{ type: 'stop-run' }]);
  });

  it('opens $SHELL in the focused worktree with MAESTRO_* set, then comes back', async () => {
    const dir = await tempDir();
    const out = join(dir, 'env.txt');
    const shell = join(dir, 'fake-shell');
    await writeFile(
      shell,
      `#!/bin/sh\necho "$PWD $MAESTRO_RUN_ID $MAESTRO_TASK_ID $MAESTRO_WORKTREE" > "${out}"\n`,
    );
    await chmod(shell, 0o755);
    const ev = eventFactory('run-1');
    const events = busyRun().map((event) =>
      event.type === 'task.started' || event.type === 'task.worktree_ready'
        ? { ...event, worktree: dir }
        : event,
    );
    void ev;
    const { tui } = setup({ events, env: { SHELL: shell, PATH: process.env.PATH } });
    await tui.waitFor('Activity · api');
    await tui.press('s');
    await tui.waitFor('shell exited (0)');
    expect((await readFile(out, 'utf8')).trim()).toBe(`${dir} run-1 api ${dir}`);
    expect(tui.frame()).toContain('Activity · api');
  });
});
