import { unconfinedSandbox } from '../../src/sandbox/run.js';
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  applyFileAction,
  fileStatus,
  sessionResolved,
  type FileAction,
  type ResolutionSession,
} from '../../src/git/resolution-session.js';
import {
  commitResolution,
  loadSession,
  openSession,
  resultRef,
  saveSession,
} from '../../src/git/resolution.js';
import { validateWith } from '../../src/ui/review/sessions.js';
import { runGit } from '../helpers/repo.js';
import { conflictRepo, type MergeFixture } from './fixture.js';

const labels = { ours: 'result (task A)', theirs: 'task B' };

function act(session: ResolutionSession, path: string, action: FileAction): ResolutionSession {
  const index = session.files.findIndex((file) => file.path === path);
  const result = applyFileAction(session, index, action);
  if (!result.ok) throw new Error(result.message);
  return result.session;
}

/** Resolve every conflict of the fixture, one way per kind. */
function resolveAll(session: ResolutionSession): ResolutionSession {
  let s = session;
  s = act(s, 'app.ts', { kind: 'hunk', hunk: 1, pick: { kind: 'both', order: 'ours-first' } });
  s = act(s, 'app.ts', { kind: 'hunk', hunk: 0, pick: { kind: 'theirs' } });
  s = act(s, 'win.txt', { kind: 'hunk', hunk: 0, pick: { kind: 'edited', lines: ['EDITED'] } });
  s = act(s, 'added.md', { kind: 'whole', side: 'theirs' });
  s = act(s, 'gone.txt', { kind: 'whole', side: 'ours' });
  s = act(s, 'image.bin', { kind: 'whole', side: 'theirs' });
  for (const file of s.files.filter((candidate) => candidate.kind === 'rename')) {
    s = act(
      s,
      file.path,
      file.path === 'moved-ours.txt' ? { kind: 'whole', side: 'ours' } : { kind: 'delete' },
    );
  }
  return s;
}

function userState(repo: string): string {
  return [
    runGit(repo, ['status', '--porcelain=v2', '--branch', '--untracked-files=all']),
    runGit(repo, ['rev-parse', 'HEAD']),
    runGit(repo, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/main']),
  ].join('\n');
}

function show(repo: string, spec: string): string {
  return execFileSync('git', ['show', spec], { cwd: repo, encoding: 'utf8' });
}

async function open(fixture: MergeFixture): Promise<{ session: ResolutionSession; commonDir: string }> {
  const commonDir = join(fixture.repo, '.git');
  const session = await openSession(fixture.repo, commonDir, { ...fixture, labels });
  return { session, commonDir };
}

describe('committing a resolution', () => {
  it('writes the chosen lines into the result branch, validated, without touching the user tree', async () => {
    const fixture = await conflictRepo();
    expect(fixture.files.map((file) => `${file.path}:${file.kind}`).sort()).toEqual([
      'added.md:add/add',
      'app.ts:content',
      'gone.txt:modify/delete',
      'image.bin:binary',
      'moved-ours.txt:rename',
      'moved-theirs.txt:rename',
      'moved.txt:rename',
      'win.txt:content',
    ]);
    const before = userState(fixture.repo);
    const { session, commonDir } = await open(fixture);
    const unresolved = await commitResolution({ repo: fixture.repo, commonDir, session });
    expect(unresolved).toMatchObject({ ok: false, reason: 'unresolved' });

    const resolved = resolveAll(session);
    expect(sessionResolved(resolved)).toBe(true);
    const output: string[] = [];
    const outcome = await commitResolution({
      repo: fixture.repo,
      commonDir,
      session: resolved,
      validate: validateWith(
        ['grep -q THEIRS-1 app.ts && echo validated', '! git grep -n "^<<<<<<<"'],
        60_000,
        process.env,
        unconfinedSandbox(),
        (chunk) => output.push(chunk),
      ),
    });
    expect(outcome).toMatchObject({ ok: true, resolvedBy: 'Test User' });
    if (!outcome.ok) return;
    expect(output.join('')).toContain('validated');
    const result = `maestro/${fixture.runId}/result`;
    expect(runGit(fixture.repo, ['rev-parse', result])).toBe(outcome.commit);
    expect(runGit(fixture.repo, ['log', '-1', '--format=%P', result])).toBe(
      `${fixture.resultCommit} ${fixture.taskCommit}`,
    );
    const app = show(fixture.repo, `${result}:app.ts`);
    expect(app).toContain('line 2\nTHEIRS-1\nline 4\n');
    expect(app).toContain('line 14\nOURS-2\nTHEIRS-2\nline 16\n');
    expect(show(fixture.repo, `${result}:win.txt`)).toBe('one\r\nEDITED\r\nthree\r\n');
    expect(show(fixture.repo, `${result}:added.md`)).toBe('# theirs\n');
    expect(show(fixture.repo, `${result}:gone.txt`)).toBe('keep me, changed\n');
    expect(show(fixture.repo, `${result}:image.bin`)).toBe('BIN\0theirs\n');
    expect(runGit(fixture.repo, ['ls-tree', '--name-only', result]).split('\n')).toEqual([
      'added.md',
      'app.ts',
      'gone.txt',
      'image.bin',
      'moved-ours.txt',
      'win.txt',
    ]);
    // git grep exits 1 when nothing matches.
    expect(spawnSync('git', ['grep', '-n', '<<<<<<<', result], { cwd: fixture.repo }).status).toBe(1);
    const message = runGit(fixture.repo, ['log', '-1', '--format=%B', result]);
    expect(message).toContain('Resolve conflicts merging task B into result (task A)');
    expect(message).toContain('Maestro-Resolved-By: Test User');
    expect(userState(fixture.repo)).toBe(before);
    expect(runGit(fixture.repo, ['worktree', 'list']).split('\n')).toHaveLength(1);
    expect((await loadSession(commonDir, fixture.runId, fixture.taskId))?.committed?.commit).toBe(
      outcome.commit,
    );
  });

  it('refuses the commit when a validate command fails, and leaves the result branch alone', async () => {
    const fixture = await conflictRepo();
    const { session, commonDir } = await open(fixture);
    const outcome = await commitResolution({
      repo: fixture.repo,
      commonDir,
      session: resolveAll(session),
      validate: validateWith(
        ['echo checking', 'echo broken >&2; exit 3', 'echo never'],
        60_000,
        process.env,
        unconfinedSandbox(),
        () => {},
      ),
    });
    expect(outcome).toMatchObject({ ok: false, reason: 'validate' });
    expect(outcome.validation.map((run) => [run.command, run.ok, run.exitCode])).toEqual([
      ['echo checking', true, 0],
      ['echo broken >&2; exit 3', false, 3],
    ]);
    expect(outcome.validation[1]?.output).toContain('broken');
    expect(runGit(fixture.repo, ['rev-parse', resultRef(fixture.runId)])).toBe(fixture.resultCommit);
    expect(runGit(fixture.repo, ['worktree', 'list']).split('\n')).toHaveLength(1);
  });

  it('refuses markers left by an edit and loses the race when the result branch moved', async () => {
    const fixture = await conflictRepo();
    const { session, commonDir } = await open(fixture);
    const marked = act(resolveAll(session), 'added.md', {
      kind: 'content',
      text: '<<<<<<< x\na\n=======\nb\n>>>>>>> y\n',
    });
    expect(fileStatus(marked.files.find((file) => file.path === 'added.md')!)).toBe('unresolved');
    expect(await commitResolution({ repo: fixture.repo, commonDir, session: marked })).toMatchObject({
      ok: false,
      reason: 'unresolved',
    });
    runGit(fixture.repo, ['update-ref', resultRef(fixture.runId), fixture.taskCommit]);
    const raced = await commitResolution({
      repo: fixture.repo,
      commonDir,
      session: resolveAll(session),
    });
    expect(raced).toMatchObject({ ok: false, reason: 'moved' });
    expect(runGit(fixture.repo, ['rev-parse', resultRef(fixture.runId)])).toBe(fixture.taskCommit);
  });
});

describe('leaving half-way', () => {
  it('keeps every pick on disk and resumes there', async () => {
    const fixture = await conflictRepo();
    const first = await open(fixture);
    let session = act(first.session, 'app.ts', { kind: 'hunk', hunk: 0, pick: { kind: 'ours' } });
    session = act(session, 'image.bin', { kind: 'whole', side: 'ours' });
    await saveSession(first.commonDir, session);

    const resumed = (await open(fixture)).session;
    expect(resumed).toEqual(session);
    expect(resumed.picks.map((pick) => pick.pick)).toEqual(['ours', 'file-ours']);
    const undone = act(resumed, 'app.ts', { kind: 'undo' });
    expect(undone.files.find((file) => file.path === 'app.ts')?.history).toHaveLength(1);

    // A new merge of the same task (other commits) starts a fresh session.
    const fresh = await openSession(fixture.repo, first.commonDir, {
      ...fixture,
      labels,
      resultCommit: fixture.taskCommit,
    });
    expect(fresh.picks).toEqual([]);
  });
});
