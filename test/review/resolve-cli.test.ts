import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { readJournalFile } from '../../src/orchestrator/journal-file.js';
import { launcher, runCli } from '../helpers/cli.js';
import { runGit } from '../helpers/repo.js';
import { TmuxSession } from '../helpers/tmux.js';
import { conflictRun, fixtureRunId } from './run-fixture.js';

describe('maestro resolve', () => {
  it('lists the pending conflicts for scripts, and wants a terminal for the review', async () => {
    const fixture = await conflictRun();
    const json = await runCli(['resolve', '--list', '--json'], { cwd: fixture.repo });
    expect(json.exitCode).toBe(0);
    const pending = JSON.parse(json.stdout) as {
      runId: string;
      taskId: string;
      title: string;
      files: unknown[];
    }[];
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({
      runId: fixtureRunId,
      taskId: 't1',
      title: 'Add feature',
      taskCommit: fixture.taskCommit,
      resultCommit: fixture.resultCommit,
    });
    expect(pending[0]?.files).toContainEqual({ path: 'app.ts', kind: 'content', hunks: 2 });

    const text = await runCli(['resolve', fixtureRunId, '--list'], { cwd: fixture.repo });
    expect(text.stdout).toContain('t1  Add feature');
    expect(text.stdout).toContain('app.ts  content, 2 hunk(s)');

    const noTty = await runCli(['resolve'], { cwd: fixture.repo });
    expect(noTty.exitCode).toBe(2);
    expect(noTty.stderr).toContain('maestro resolve needs a terminal');
    const wrong = await runCli(['resolve', '--json'], { cwd: fixture.repo });
    expect(wrong.exitCode).toBe(2);
  });

  it('resolves a run end to end in a real terminal: quit half-way, resume, commit, journal', async () => {
    const fixture = await conflictRun();
    // $EDITOR for `e`: a script that writes the resolved hunk.
    const editor = join(fixture.runDir, 'editor.sh');
    await writeFile(editor, '#!/bin/sh\nprintf "EDITED\\n" > "$1"\n', { mode: 0o755 });
    await writeFile(
      join(fixture.repo, '.maestrorc.json'),
      JSON.stringify({ validate: ['grep -q THEIRS-1 app.ts'] }),
    );
    const start = (): Promise<TmuxSession> =>
      TmuxSession.start({
        command: [process.execPath, launcher, '--trust-config', 'resolve'],
        cwd: fixture.repo,
        columns: 110,
        rows: 40,
        env: { EDITOR: editor, VISUAL: '' },
      });
    let tui = await start();
    await tui.waitForText('added.md · add/add · hunk 1/1');
    await tui.waitForText('result (Rename things)');
    await tui.sendKeys(['t']);
    await tui.waitForText('app.ts · content · hunk 1/2');
    await tui.sendKeys(['t']);
    await tui.waitForText('hunk 1/1');
    await tui.sendKeys(['q']);
    await tui.waitForFormat('pane_dead', '1');
    await tui.kill();

    tui = await start();
    let screen = await tui.waitForText('app.ts · content · hunk 1/1');
    expect(screen).toContain('1/8 files resolved');
    for (const [key, next] of [
      ['B', 'gone.txt · modify/delete'],
      ['o', 'image.bin · binary'],
      ['>', 'moved-ours.txt · rename'],
      ['o', 'moved-theirs.txt · rename'],
      ['d', 'moved.txt · rename'],
      ['t', 'win.txt · content · hunk 1/1'],
      ['e', 'Every file is resolved'],
    ] as const) {
      await tui.sendKeys([key]);
      await tui.waitForText(next);
    }
    await tui.sendKeys(['c']);
    screen = await tui.waitForText('Committed');
    expect(screen).toContain('task t1 (Add feature) · committed');
    await tui.sendKeys(['q']);
    await tui.waitForFormat('pane_dead', '1');

    const result = `maestro/${fixtureRunId}/result`;
    const show = (path: string): string =>
      execFileSync('git', ['show', `${result}:${path}`], { cwd: fixture.repo, encoding: 'utf8' });
    expect(show('added.md')).toBe('# theirs\n');
    expect(show('app.ts')).toContain('line 2\nTHEIRS-1\nline 4\n');
    expect(show('app.ts')).toContain('line 14\nOURS-2\nTHEIRS-2\nline 16\n');
    expect(show('win.txt')).toBe('one\r\nEDITED\r\nthree\r\n');
    expect(spawnSync('git', ['grep', '-n', '>>>>>>>', result], { cwd: fixture.repo }).status).toBe(1);
    expect(runGit(fixture.repo, ['log', '-1', '--format=%P', result])).toBe(
      `${fixture.resultCommit} ${fixture.taskCommit}`,
    );
    const events = (await readJournalFile(join(fixture.runDir, 'events.jsonl'))).events;
    const picks = events.filter((event) => event.type === 'conflict.pick');
    expect(picks.map((event) => (event.type === 'conflict.pick' ? event.pick : ''))).toEqual([
      'theirs',
      'theirs',
      'both-ours-first',
      'file-ours',
      'file-theirs',
      'file-ours',
      'delete',
      'file-theirs',
      'edited',
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'conflict.resolved', taskId: 't1', resolvedBy: 'Test User' });
    const after = await runCli(['resolve', '--list', '--json'], { cwd: fixture.repo });
    expect(JSON.parse(after.stdout)).toEqual([]);
  });
});
