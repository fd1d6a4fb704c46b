import { describe, expect, it } from 'vitest';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitCommonDir, runsRoot } from '../../src/orchestrator/run-paths.js';
import { runGit, tempDir } from '../helpers/repo.js';
import { scriptedRepo } from './scripted-run.js';

const agentRan = 'echo work > w.txt';

/** A refused run: exit 2 or 1 with one line, no run folder, no branch, and the agent never started. */
async function expectRefusedBeforeStart(
  s: Awaited<ReturnType<typeof scriptedRepo>>,
  args: string[],
  env = {},
) {
  const result = await s.run(args, env);
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  expect(await readdir(runsRoot(await gitCommonDir(s.repo))).catch(() => [])).toEqual([]);
  expect(runGit(s.repo, ['for-each-ref', 'refs/heads/maestro/'])).toBe('');
  return result.stderr;
}

describe('bad run input is found before anything is written', () => {
  it('a user branch named maestro is named as the blocker (#14 item 7)', async () => {
    const s = await scriptedRepo(agentRan);
    runGit(s.repo, ['branch', 'maestro']);
    const stderr = await expectRefusedBeforeStart(s, []);
    expect(stderr).toMatch(/your branch "maestro" blocks maestro's branches .*git branch -m maestro/);
  });

  it('a --base that is a range, not one commit, is refused (#14 item 8)', async () => {
    const s = await scriptedRepo(agentRan);
    const stderr = await expectRefusedBeforeStart(s, ['--base', 'main..main']);
    expect(stderr).toMatch(/"main\.\.main" does not name one commit/);
  });

  it('--push without a remote, --pr without gh, --checkout with a dirty tree (#14 item 19)', async () => {
    const s = await scriptedRepo(agentRan);
    expect(await expectRefusedBeforeStart(s, ['--push'])).toMatch(/has no remote/);
    runGit(s.repo, ['remote', 'add', 'origin', join(await tempDir(), 'none.git')]);
    const noGh = { PATH: join(await tempDir(), 'empty-bin') };
    const gitDir = runGit(s.repo, ['--exec-path']);
    expect(
      await expectRefusedBeforeStart(s, ['--pr'], { PATH: `${noGh.PATH}:/usr/bin:/bin:${gitDir}` }),
    ).toMatch(/gh\) is not installed|gh is not logged in/);
    await writeFile(join(s.repo, 'a.txt'), 'dirty\n');
    expect(await expectRefusedBeforeStart(s, ['--checkout'])).toMatch(/uncommitted changes/);
  });
});
