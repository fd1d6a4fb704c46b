import { describe, expect, it } from 'vitest';
import { unconfinedSandbox } from '../../src/sandbox/run.js';
import {
  applyFileAction,
  type FileAction,
  type ResolutionSession,
} from '../../src/git/resolution-session.js';
import { Journal } from '../../src/orchestrator/journal.js';
import { foldRun } from '../../src/orchestrator/run-state.js';
import { readJournalFile } from '../../src/orchestrator/journal-file.js';
import { openReviewSessions, reviewServices } from '../../src/ui/review/sessions.js';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { runCli } from '../helpers/cli.js';
import { runGit } from '../helpers/repo.js';
import { conflictRun, fixtureRunId } from './run-fixture.js';

function act(session: ResolutionSession, path: string, action: FileAction): ResolutionSession {
  const result = applyFileAction(
    session,
    session.files.findIndex((file) => file.path === path),
    action,
  );
  if (!result.ok) throw new Error(result.message);
  return result.session;
}

describe('the conflict lists of status and resolve --list', () => {
  it('no longer show a conflict once it is resolved', async () => {
    const fixture = await conflictRun();
    const journal = await Journal.open(fixture.runDir, fixtureRunId);
    const state = foldRun(fixtureRunId, (await readJournalFile(join(fixture.runDir, 'events.jsonl'))).events);
    const [opened] = await openReviewSessions(fixture.repo, fixture.commonDir, state);
    if (!opened) throw new Error('no session');
    let session = opened;
    session = act(session, 'app.ts', { kind: 'hunk', hunk: 1, pick: { kind: 'theirs' } });
    session = act(session, 'app.ts', { kind: 'hunk', hunk: 0, pick: { kind: 'theirs' } });
    session = act(session, 'win.txt', { kind: 'hunk', hunk: 0, pick: { kind: 'theirs' } });
    for (const path of ['added.md', 'gone.txt', 'image.bin', 'moved-ours.txt']) {
      session = act(session, path, { kind: 'whole', side: 'ours' });
    }
    for (const file of session.files.filter((f) => f.kind === 'rename' && f.path !== 'moved-ours.txt')) {
      session = act(session, file.path, { kind: 'delete' });
    }
    const services = reviewServices({
      repo: fixture.repo,
      commonDir: fixture.commonDir,
      validate: [],
      validateTimeoutMs: 10_000,
      sandbox: unconfinedSandbox(),
      journal: async () => journal,
    });
    const outcome = await services.commit(session, () => {});
    expect(outcome).toMatchObject({ ok: true });
    await journal.close();

    const list = await runCli(['resolve', '--list', '--json'], { cwd: fixture.repo });
    expect(JSON.parse(list.stdout)).toEqual([]);
    const json = await runCli(['status', fixtureRunId, '--json'], { cwd: fixture.repo });
    expect(json.exitCode).toBe(0);
    const t1 = (JSON.parse(json.stdout) as { tasks: Record<string, { state: string; conflict?: unknown }> })
      .tasks.t1;
    expect(t1?.state).toBe('merged');
    expect(t1?.conflict).toBeUndefined();
    const text = await runCli(['status', fixtureRunId], { cwd: fixture.repo });
    expect(text.stdout).toMatch(/2\/2 tasks merged/);
    expect(text.stdout).not.toContain('conflict in');
    expect(text.stdout).not.toContain('app.ts');
  });

  it('list the files the review will show once the result branch moved past the conflict', async () => {
    const fixture = await conflictRun();
    const result = `maestro/${fixtureRunId}/result`;
    // A later merge into the result branch takes the task's app.ts: that conflict is gone.
    runGit(fixture.repo, ['checkout', '-q', result]);
    await writeFile(
      join(fixture.repo, 'app.ts'),
      runGit(fixture.repo, ['show', `${fixture.taskCommit}:app.ts`]) + '\n',
    );
    runGit(fixture.repo, ['commit', '-qam', 'a later task merged']);
    const head = runGit(fixture.repo, ['rev-parse', 'HEAD']);
    runGit(fixture.repo, ['checkout', '-q', 'main']);

    const list = await runCli(['resolve', '--list', '--json'], { cwd: fixture.repo });
    expect(list.exitCode).toBe(0);
    const [pending] = JSON.parse(list.stdout) as { resultCommit: string; files: { path: string }[] }[];
    expect(pending?.resultCommit).toBe(head);
    const paths = pending?.files.map((file) => file.path);
    expect(paths).not.toContain('app.ts');
    expect(paths).toContain('win.txt');
    const text = await runCli(['resolve', '--list'], { cwd: fixture.repo });
    expect(text.stdout).toContain('win.txt  content, 1 hunk(s)');
    expect(text.stdout).not.toContain('app.ts');
  });
});
