import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { launcher } from '../helpers/cli.js';
import { tempDir, tempRepo } from '../helpers/repo.js';
import { TmuxSession } from '../helpers/tmux.js';
import { busyRun, eventFactory, manyAgents } from './fixtures.js';
import type { RunEvent } from '../../src/events.js';

const runId = '20260101-0000-abcd';

/** A repo whose git dir holds the journal of a run "started elsewhere", and a worktree folder for it. */
async function attachedRun(): Promise<{
  repo: string;
  runDir: string;
  worktree: string;
  append: (e: RunEvent) => Promise<void>;
}> {
  const repo = await tempRepo();
  const worktree = await tempDir('maestro-wt-');
  const runDir = join(repo, '.git', 'maestro', 'runs', runId);
  await mkdir(runDir, { recursive: true });
  const events = busyRun(runId).map((event) =>
    event.type === 'task.started' || event.type === 'task.worktree_ready' ? { ...event, worktree } : event,
  );
  await writeFile(join(runDir, 'events.jsonl'), events.map((event) => JSON.stringify(event) + '\n').join(''));
  const journal = join(runDir, 'events.jsonl');
  return { repo, runDir, worktree, append: (event) => appendFile(journal, JSON.stringify(event) + '\n') };
}

/**
 * Runs `maestro <args>` in tmux behind a marker line, then prints its exit code and keeps the pane
 * alive: the marker must be on screen again, untouched, once the TUI has quit.
 */
function startMaestro(repo: string, args: string[], columns = 120, rows = 30): Promise<TmuxSession> {
  const script = 'printf "BEFORE-TUI\\n"; "$@"; echo "EXIT=$?"; exec sleep 600';
  return TmuxSession.start({
    command: ['sh', '-c', script, 'sh', process.execPath, launcher, ...args],
    cwd: repo,
    columns,
    rows,
    env: { SHELL: '/bin/sh', PS1: 'IN-WORKTREE$ ', ENV: '' },
  });
}

describe('maestro tui <runId> in a real terminal', () => {
  it('attaches to a journal, follows it, sends commands, resizes, opens a shell and restores the terminal', async () => {
    const { repo, runDir, worktree, append } = await attachedRun();
    const tmux = await startMaestro(repo, ['tui', runId]);
    let screen = await tmux.waitForText('Activity · api');
    expect(await tmux.format('alternate_on')).toBe('1');
    expect(screen).not.toContain('BEFORE-TUI');
    expect(screen).toContain('Agents 2/3 active');
    expect(screen.split('\n').length).toBeLessThanOrEqual(30);

    // Live: events appended to the journal show up.
    const next = eventFactory(runId);
    for (let i = 0; i < busyRun().length; i += 1) next({ type: 'log', level: 'info', message: '' });
    await append(next({ type: 'agent.text', taskId: 'api', text: '\nLIVE-EVENT-ARRIVED' }));
    await tmux.waitForText('LIVE-EVENT-ARRIVED');

    // Keys: move to cli and pause it; the command lands in commands.jsonl for the orchestrator.
    await tmux.sendKeys(['j']);
    await tmux.waitForText('Activity · cli');
    await tmux.sendKeys(['p']);
    await tmux.waitForText('sent: pause cli');
    const commands = (await readFile(join(runDir, 'commands.jsonl'), 'utf8')).trim().split('\n');
    expect(commands.map((line) => (JSON.parse(line) as { command: unknown }).command)).toEqual([
      { type: 'pause', taskId: 'cli' },
    ]);

    // Resize to a narrow terminal: the panes stack.
    await tmux.resize(70, 40);
    await vi.waitFor(async () => {
      const lines = (await tmux.capture()).split('\n');
      const agents = lines.findIndex((line) => line.includes('Agents 2/3'));
      const activity = lines.findIndex((line) => line.includes('Activity · cli'));
      expect(agents).toBeGreaterThanOrEqual(0);
      expect(activity).toBeGreaterThan(agents);
      expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(70);
    });

    // Shell in the worktree, then back to the same dashboard.
    await tmux.sendKeys(['s']);
    await tmux.waitForText('IN-WORKTREE$');
    expect(await tmux.format('alternate_on')).toBe('0');
    await tmux.type('echo "task=$MAESTRO_TASK_ID run=$MAESTRO_RUN_ID dir=$PWD"');
    await tmux.sendKeys(['Enter']);
    await tmux.waitForText(`task=cli run=${runId} dir=${worktree}`);
    await tmux.type('exit');
    await tmux.sendKeys(['Enter']);
    screen = await tmux.waitForText('shell exited (0)');
    expect(await tmux.format('alternate_on')).toBe('1');
    expect(screen).toContain('Activity · cli');

    // Quit: agents run, so it asks; detach leaves them running and the terminal as it was.
    await tmux.sendKeys(['q']);
    await tmux.waitForText('agents are still running');
    await tmux.sendKeys(['d']);
    await tmux.waitForText('EXIT=0');
    expect(await tmux.format('alternate_on')).toBe('0');
    expect(await tmux.format('cursor_flag')).toBe('1');
    screen = await tmux.capture();
    expect(screen).toContain('BEFORE-TUI');
    expect(screen).not.toContain('Agents');
  });

  it('scrolls and filters 50 agents, and counts them by state in the footer', async () => {
    const repo = await tempRepo();
    const runDir = join(repo, '.git', 'maestro', 'runs', runId);
    await mkdir(runDir, { recursive: true });
    const events = manyAgents(50, { running: 38, failed: 1, conflicted: 1, merged: 6 }, runId);
    await writeFile(
      join(runDir, 'events.jsonl'),
      events.map((event) => JSON.stringify(event) + '\n').join(''),
    );
    // 140x24: the agents pane has 10 rows for 50 agents.
    const tmux = await startMaestro(repo, ['tui', runId], 140, 24);
    // The footer is the last row of the first frame: once it is on screen, tmux has read the rows
    // above it too (a frame reaches tmux in pieces, and a capture between two shows only the top).
    let screen = await tmux.waitForText(
      '50 agents · 38 running · 4 pending · 6 merged · 1 conflicted · 1 failed',
    );
    expect(screen).toContain('Activity · t01');
    expect(screen).toMatch(/↓ \d+ more/);
    // End: the last agent is selected and shown, with the rest above it.
    await tmux.sendKeys(['End']);
    screen = await tmux.waitForText('Activity · t50');
    expect(screen).toMatch(/› *\S+ Task t50/);
    expect(screen).toMatch(/↑ \d+ more/);
    // Moving up past the top row of the slice scrolls it along.
    for (let i = 0; i < 10; i += 1) await tmux.sendKeys(['k']);
    screen = await tmux.waitForText('Activity · t40');
    expect(screen).toMatch(/› *\S+ Task t40/);
    await tmux.sendKeys(['Home']);
    await tmux.waitForText('Activity · t01');
    // f three times: the failed agents only, named in the title; escape shows them all again.
    await tmux.sendKeys(['f', 'f', 'f']);
    screen = await tmux.waitForText('· failed: 1');
    expect(screen).toContain('Task t39');
    expect(screen).not.toContain('Task t01');
    await tmux.sendKeys(['Escape']);
    // Every agent is listed again, the selection still on t39 and in view.
    screen = await tmux.waitForText(/│Agents 38\/50 active +│/);
    expect(screen).toMatch(/› *\S+ Task t39/);
    expect(screen).toMatch(/↑ \d+ more/);
    expect(screen).toMatch(/↓ \d+ more/);
    expect(screen.split('\n').length).toBeLessThanOrEqual(24);
  });

  it('restores the terminal on Ctrl-C and attaches again', async () => {
    const { repo } = await attachedRun();
    let tmux = await startMaestro(repo, ['tui', runId], 100, 24);
    await tmux.waitForText('Activity · api');
    await tmux.sendKeys(['C-c']);
    await tmux.waitForText(/EXIT=\d+/);
    expect(await tmux.format('alternate_on')).toBe('0');
    expect(await tmux.format('cursor_flag')).toBe('1');
    expect(await tmux.capture()).toContain('BEFORE-TUI');
    await tmux.kill();
    tmux = await startMaestro(repo, ['tui', runId], 100, 24);
    await tmux.waitForText('Activity · api');
  });

  it('restores the terminal when the TUI crashes, and says so in one message', async () => {
    // From the project folder, so tsx compiles the script with the project's tsconfig (JSX runtime).
    const project = fileURLToPath(new URL('../..', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const script = fileURLToPath(new URL('./crash-tui.tsx', import.meta.url));
    const tmux = await TmuxSession.start({
      command: [
        'sh',
        '-c',
        'printf "BEFORE-TUI\\n"; "$@"; echo "EXIT=$?"; exec sleep 600',
        'sh',
        tsx,
        script,
      ],
      cwd: project,
      columns: 100,
      rows: 24,
    });
    await tmux.waitForText('Activity · api');
    const screen = await tmux.waitForText('EXIT=1');
    expect(screen).toContain('BEFORE-TUI');
    expect(screen).toContain('maestro: internal error in the TUI: Error: boom from a listener');
    expect(await tmux.format('alternate_on')).toBe('0');
    expect(await tmux.format('cursor_flag')).toBe('1');
  });

  it('says which run is missing, in one line', async () => {
    const repo = await tempRepo();
    const tmux = await startMaestro(repo, ['tui', 'nope'], 100, 10);
    const screen = await tmux.waitForText('EXIT=2');
    expect(screen).toContain('maestro: no run nope in this repository: check the id with `maestro status`');
  });
});
