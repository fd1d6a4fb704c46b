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
    const s = await scriptedRepo('if [ -n "$FIRST_RUN" ]; then sleep 600; fi; echo done > out.txt');
    const orchestrator = execa(process.execPath, [launcher, '--trust-config', 'run', '--plan', s.planFile, '--headless'], {
      cwd: s.repo,
      env: { NO_COLOR: '1', FIRST_RUN: '1' },
      reject: false,
    });
    const runs = runsRoot(await gitCommonDir(s.repo));
    const record = await vi.waitFor(
      async () => {
        const [runId] = await readdir(runs);
        const file = join(runs, runId as string, 'agents', 't1.json');
        return { runId: runId as string, ...(JSON.parse(await readFile(file, 'utf8')) as { pgid: number }) };
      },
      { timeout: 30_000, interval: 100 },
    );
    orchestrator.kill('SIGKILL');
    await orchestrator;
    expect(groupAlive(record.pgid)).toBe(true);
    try {
      const resumed = await s.cli(['resume', record.runId]);
      expect(resumed.stderr).toBe('');
      expect(resumed.exitCode).toBe(0);
      expect(groupAlive(record.pgid)).toBe(false);
      expect(runGit(s.repo, ['show', `maestro/${record.runId}/result:out.txt`])).toBe('done');
    } finally {
      if (groupAlive(record.pgid)) process.kill(-record.pgid, 'SIGKILL');
    }
  });
});
