import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';
import { listWorktrees } from '../../src/git/worktree-list.js';

const child = join(import.meta.dirname, 'worktree-race-child.ts');

function runChild(input: object): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(input)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.once('error', reject);
    proc.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('two maestro processes on one repository', () => {
  // Before the worktree lock, git failed 1-3 of these adds or lists a time with
  // "failed to read .git/worktrees/<name>/commondir": one process read the other's half-made folder.
  it('create worktrees and list them at the same time without git failing either', async () => {
    const repo = await tempRepo({ 'README.md': '# r\n' });
    const root = await tempDir('maestro-wts-');
    const commit = runGit(repo, ['rev-parse', 'HEAD']);
    const count = 40;
    const results = await Promise.all(
      ['20260101-0000-aaaa', '20260101-0000-bbbb'].map((runId) =>
        runChild({ repo, root, runId, commit, count }),
      ),
    );
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ failures: [] });
    }
    const listed = await listWorktrees(repo);
    expect(listed.filter((entry) => entry.path.startsWith(root))).toHaveLength(2 * count);
  });
});
