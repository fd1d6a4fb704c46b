import { readFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launcher } from '../helpers/cli.js';
import { runGit, tempDir } from '../helpers/repo.js';
import { TmuxSession } from '../helpers/tmux.js';

const columns = 150;
const rows = 32;
const independent = ['add-clamp', 'add-slugify', 'greet-options', 'readme-intro'];

/**
 * `maestro <args>` in tmux behind a marker line, then its exit code, and the pane kept alive: the
 * marker must be on screen again once the TUI has left the alternate screen. Agents' `node --test`
 * and the worktree shell find this Node first on PATH.
 */
function startMaestro(cwd: string, args: string[]): Promise<TmuxSession> {
  const bin = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url));
  return TmuxSession.start({
    command: [
      'sh',
      '-c',
      'printf "BEFORE-TUI\\n"; "$@"; echo "EXIT=$?"; exec sleep 600',
      'sh',
      process.execPath,
      launcher,
      ...args,
    ],
    cwd,
    columns,
    rows,
    env: {
      PATH: [dirname(process.execPath), bin, process.env.PATH].join(delimiter),
      SHELL: '/bin/sh',
      PS1: 'IN-WORKTREE$ ',
      ENV: '',
    },
  });
}

/** `s` on the focused agent: a shell in its worktree with the MAESTRO_* variables, then back to the dashboard. */
async function shellRoundTrip(tmux: TmuxSession, taskId: string): Promise<string> {
  await tmux.sendKeys(['s']);
  // A bare prompt line: an earlier shell's lines stay on the main screen, each ending in what was typed.
  await tmux.waitForText(/^IN-WORKTREE\$$/m);
  expect(await tmux.format('alternate_on')).toBe('0');
  await tmux.type('echo "task=$MAESTRO_TASK_ID"; test "$PWD" = "$MAESTRO_WORKTREE" && pwd');
  await tmux.sendKeys(['Enter']);
  const screen = await tmux.waitForText(new RegExp(`task=${taskId}\\n/\\S+/${taskId}\\n`));
  await tmux.type('exit');
  await tmux.sendKeys(['Enter']);
  await tmux.waitForText('shell exited (0)');
  expect(await tmux.format('alternate_on')).toBe('1');
  return /^(\/\S+)$/m.exec(screen.slice(screen.indexOf(`task=${taskId}`)))?.[1] ?? '';
}

interface JournalEvent {
  type: string;
  taskId?: string;
  time: string;
  worktree?: string;
}

describe('maestro demo in a real terminal', () => {
  it('plans, runs agents in parallel, opens a shell, resolves the conflict, quits, attaches again', async () => {
    const dir = await tempDir('maestro-tui-demo-');
    const repo = join(dir, 'tinygreet');
    const tmux = await startMaestro(dir, ['demo', '--dir', dir]);

    // Plan approval, then the dashboard with several agents running at once.
    await tmux.waitForText('enter start', 20_000);
    expect(await tmux.format('alternate_on')).toBe('1');
    await tmux.sendKeys(['Enter']);
    // Two agent rows in the running state at once.
    let screen = await tmux.waitForText(/ running +\d\d:\d\d [\s\S]* running +\d\d:\d\d /, 20_000);
    expect(screen).toMatch(/Agents [2-5]\/5 active/);
    const runId = /· (\d{8}-\d{6}-[0-9a-f]{4}) ·/.exec(screen)?.[1] ?? '';
    expect(runId).not.toBe('');
    expect((screen.match(/ running +\d\d:\d\d /g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(screen).toContain('Activity · add-clamp');
    // Focused by default; its worktree exists once it is no longer pending.
    await tmux.waitForText(/›[^○ ] Add clamp\(\)/);

    // A shell in the focused (running) agent's worktree; the dashboard comes back on the same agent.
    const clampWorktree = await shellRoundTrip(tmux, 'add-clamp');
    expect(clampWorktree.startsWith(join(dir, 'worktrees'))).toBe(true);
    expect(clampWorktree.endsWith(`/${runId}/add-clamp`)).toBe(true);
    screen = await tmux.capture();
    expect(screen).toMatch(/›\S+ Add clamp\(\)/);
    for (const pane of ['Agents', 'Activity · add-clamp', 'Plan', 'Shared memory'])
      expect(screen).toContain(pane);

    // The run ends with add-slugify conflicted on README.md.
    screen = await tmux.waitForText('finished: conflicts', 30_000);
    expect(screen).toMatch(/⚠ Add slugify\(\) .* conflicted/);
    await tmux.sendKeys(['j']);
    const before = await tmux.waitForText(/›⚠ Add slugify\(\)/);
    expect(before).toContain('Activity · add-slugify');

    // Once nothing moves, the dashboard after a shell is the one before it, but for the footer's message.
    await shellRoundTrip(tmux, 'add-slugify');
    const after = await tmux.capture();
    const withoutFooter = (text: string): string[] => text.split('\n').slice(0, -2);
    expect(withoutFooter(after)).toEqual(withoutFooter(before));

    // Conflict review: take theirs, commit after validation, leave, quit.
    await tmux.sendKeys(['c']);
    await tmux.waitForText('Conflict review');
    await tmux.waitForText('README.md');
    await tmux.sendKeys(['t']);
    await tmux.waitForText('1/1 files resolved');
    await tmux.sendKeys(['c']);
    await tmux.waitForText(/committed [0-9a-f]{10}/, 20_000);
    await tmux.sendKeys(['q']);
    // Back on the dashboard, which shows the resolution: every task merged, and so the run.
    screen = await tmux.waitForText(/›✔ Add slugify\(\) .* merged /);
    expect(screen).toContain('finished: merged');
    expect(screen).toContain('5/5 merged');
    await tmux.sendKeys(['q']);
    screen = await tmux.waitForText(/EXIT=\d+/, 15_000);
    expect(screen).toContain('EXIT=0');
    expect(screen).toContain(`run ${runId} merged: 5/5 tasks merged`);
    expect(screen).toContain('The sample repository stays at');
    expect(screen).toContain('BEFORE-TUI');
    expect(await tmux.format('alternate_on')).toBe('0');
    expect(await tmux.format('cursor_flag')).toBe('1');

    // The journal: the four independent tasks all started before any finished; the dependent waited.
    const journal = await readFile(join(repo, '.git', 'maestro', 'runs', runId, 'events.jsonl'), 'utf8');
    const events = journal
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as JournalEvent);
    const at = (type: string, taskId: string): number =>
      Date.parse(events.find((e) => e.type === type && e.taskId === taskId)?.time ?? 'x');
    const lastStart = Math.max(...independent.map((task) => at('task.started', task)));
    const firstEnd = Math.min(...independent.map((task) => at('agent.finished', task)));
    expect(lastStart).toBeLessThan(firstEnd);
    expect(at('task.started', 'cli-excited')).toBeGreaterThan(at('task.merged', 'greet-options'));
    expect(events.filter((e) => e.type === 'conflict.resolved').map((e) => e.taskId)).toEqual([
      'add-slugify',
    ]);

    // The result branch has add-slugify's README line and no markers; the user's branch is untouched.
    const readme = runGit(repo, ['show', `maestro/${runId}/result:README.md`]);
    expect(readme).toContain('now with slugify()');
    expect(readme).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
    expect(runGit(repo, ['branch', '--show-current'])).toBe('main');
    expect(runGit(repo, ['status', '--porcelain'])).toBe('');

    // Attach again from the journal: every task merged, `q` quits at once, the terminal is restored.
    await tmux.kill();
    const attached = await startMaestro(repo, ['tui', runId]);
    await attached.waitForText('Activity · add-clamp');
    screen = await attached.waitForText('finished: merged');
    expect(await attached.format('alternate_on')).toBe('1');
    expect(screen).toContain('Agents 0/5 active');
    expect(screen.match(/✔ .* merged /g)).toHaveLength(5);
    expect(screen).not.toContain('conflicted');
    await attached.sendKeys(['q']);
    screen = await attached.waitForText(/EXIT=\d+/);
    expect(screen).toContain('EXIT=0');
    expect(screen).toContain('BEFORE-TUI');
    expect(screen).not.toContain('Agents');
    expect(await attached.format('alternate_on')).toBe('0');
    expect(await attached.format('cursor_flag')).toBe('1');
  }, 90_000);
});
