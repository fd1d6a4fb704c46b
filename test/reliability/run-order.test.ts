import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/orchestrator/journal.js';
import { listRuns } from '../../src/orchestrator/runs.js';
import { gitCommonDir, runDir } from '../../src/orchestrator/run-paths.js';
import { runCli } from '../helpers/cli.js';
import { runGit, tempRepo } from '../helpers/repo.js';

const log = { type: 'log' as const, level: 'info' as const, message: 'started' };

/** Two runs started in the same minute: the older one has the greater random part. */
async function twoRunsInOneMinute() {
  const repo = await tempRepo();
  const common = await gitCommonDir(repo);
  const older = '20261124-0100-ffff';
  const newer = '20261124-0100-0000';
  const starts: [string, string][] = [
    [older, '2026-11-24T01:00:05.000Z'],
    [newer, '2026-11-24T01:00:40.000Z'],
  ];
  for (const [id, time] of starts) {
    const journal = await Journal.open(runDir(common, id), id, { now: () => new Date(time) });
    await journal.append(log);
    await journal.close();
    runGit(repo, ['branch', `maestro/${id}/tasks/t1`, 'HEAD']);
  }
  return { repo, older, newer };
}

describe('"the latest run" (#14 item 1)', () => {
  it('is the run that started last, not the greatest id', async () => {
    const { repo, older, newer } = await twoRunsInOneMinute();
    expect((await listRuns(repo)).map((run) => run.runId)).toEqual([newer, older]);
  });

  it('clean --discard without an id refuses when more than one run still has task branches', async () => {
    const { repo, older, newer } = await twoRunsInOneMinute();
    const result = await runCli(['clean', '--discard'], { cwd: repo });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/2 runs still have task branches .*name the one to discard/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    for (const id of [older, newer]) {
      expect(runGit(repo, ['branch', '--list', `maestro/${id}/tasks/t1`])).toContain('t1');
    }
  });
});
