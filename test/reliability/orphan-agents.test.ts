import { describe, expect, it, vi } from 'vitest';
import { execa } from 'execa';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launcher } from '../helpers/cli.js';
import { runGit } from '../helpers/repo.js';
import { gitCommonDir, runsRoot } from '../../src/orchestrator/run-paths.js';
import { scriptedRepo } from './scripted-run.js';

const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('agents orphaned by kill -9 of the orchestrator (#14 item 5)', () => {
  it('are stopped by resume before their tasks run again', async () => {
    // Before it hangs, the first agent commits on its own (on the detached HEAD it works on).
    const s = await scriptedRepo(
      'if [ -n "$FIRST_RUN" ]; then echo early > e.txt && git add e.txt && git -c user.name=a -c user.email=a@b commit -qm early && sleep 600; fi; echo done > out.txt',
      // Agents get a scrubbed environment: FIRST_RUN reaches the script only when allowed.
      { config: { allowEnv: ['FIRST_RUN'] } },
    );
    const orchestrator = execa(
      process.execPath,
      [launcher, '--trust-config', 'run', '--plan', s.planFile, '--headless'],
      {
        cwd: s.repo,
        env: { NO_COLOR: '1', FIRST_RUN: '1' },
        reject: false,
      },
    );
    const runs = runsRoot(await gitCommonDir(s.repo));
    const record = await vi.waitFor(
      async () => {
        const [runId] = await readdir(runs);
        const file = join(runs, runId as string, 'agents', 't1.json');
        return { runId: runId as string, ...(JSON.parse(await readFile(file, 'utf8')) as { pgid: number }) };
      },
      { timeout: 30_000, interval: 100 },
    );
    const worktree = (): string =>
      /^worktree (\S+\/t1)$/m.exec(runGit(s.repo, ['worktree', 'list', '--porcelain']))?.[1] ?? s.repo;
    await vi.waitFor(() => expect(runGit(worktree(), ['log', '-1', '--format=%s'])).toBe('early'), {
      timeout: 30_000,
      interval: 100,
    });
    orchestrator.kill('SIGKILL');
    await orchestrator;
    expect(groupAlive(record.pgid)).toBe(true);
    try {
      const resumed = await s.cli(['resume', record.runId]);
      expect(resumed.stderr).toBe('');
      expect(resumed.exitCode).toBe(0);
      expect(groupAlive(record.pgid)).toBe(false);
      expect(runGit(s.repo, ['show', `maestro/${record.runId}/result:out.txt`])).toBe('done');
      // The commit the killed agent made is on the task branch and in the result, not dropped.
      expect(runGit(s.repo, ['show', `maestro/${record.runId}/result:e.txt`])).toBe('early');
      expect(runGit(s.repo, ['log', '--format=%s', `maestro/${record.runId}/result`])).toMatch(/^early$/m);
    } finally {
      if (groupAlive(record.pgid)) process.kill(-record.pgid, 'SIGKILL');
    }
  });
});
