import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { launcher } from '../helpers/cli.js';
import { runGit } from '../helpers/repo.js';
import { scriptedRepo } from './scripted-run.js';

/** Run the CLI with a stdout whose reader goes away after the first chunk (`| head -c1`). */
function withClosedStdout(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [launcher, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a closed stdout ends the output, never the run (#14 item 16)', () => {
  it('maestro run --json | head -1 still runs to the end and merges', async () => {
    const s = await scriptedRepo('sleep 1; echo work > w.txt', { tasks: ['t1', 't2'] });
    const result = await withClosedStdout(['--trust-config', 'run', '--plan', s.planFile, '--json'], s.repo);
    expect(result.stderr).not.toMatch(/internal error|EPIPE|\n\s+at /);
    expect(result.code).toBe(0);
    const [branch] = runGit(s.repo, [
      'for-each-ref',
      '--format=%(refname:short)',
      'refs/heads/maestro/*/result',
    ]).split('\n');
    expect(runGit(s.repo, ['show', `${branch}:w.txt`])).toBe('work');
  });
});
