import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { runGit, tempDir } from '../helpers/repo.js';

describe('maestro demo', () => {
  it('runs the whole job offline: parallel tasks, a dependent that sees its dependency, one conflict for review', async () => {
    const dir = await tempDir();
    const result = await runCli(['demo', '--dir', dir, '--json'], { cwd: dir });
    expect(result.exitCode).toBe(3);
    const repo = join(dir, 'tinygreet');
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; taskId?: string; time: string });
    const merged = events.filter((e) => e.type === 'task.merged').map((e) => e.taskId);
    expect(merged.sort()).toEqual(['add-clamp', 'cli-excited', 'greet-options', 'readme-intro']);
    expect(events.filter((e) => e.type === 'task.conflicted').map((e) => e.taskId)).toEqual(['add-slugify']);

    // Independent tasks ran at the same time; the dependent started only after its dependency merged.
    const at = (type: string, taskId: string): number =>
      Date.parse(events.find((e) => e.type === type && e.taskId === taskId)?.time ?? 'x');
    expect(at('task.started', 'add-clamp')).toBeLessThan(at('agent.finished', 'readme-intro'));
    expect(at('task.started', 'cli-excited')).toBeGreaterThan(at('task.merged', 'greet-options'));

    const runId = runGit(repo, ['for-each-ref', '--format=%(refname:lstrip=2)', 'refs/heads/maestro/'])
      .split('\n')[0]
      ?.split('/')[1];
    const result_ = `maestro/${runId}/result`;
    expect(runGit(repo, ['show', `${result_}:src/cli.js`])).toContain(
      "greet(name, { excited: args.includes('--excited') })",
    );
    expect(runGit(repo, ['show', `${result_}:src/math.js`])).toContain('export function clamp');
    expect(runGit(repo, ['show', `${result_}:README.md`])).not.toMatch(/^(<<<<<<<|>>>>>>>)/m);
    // The user's own branch and working tree are untouched.
    expect(runGit(repo, ['branch', '--show-current'])).toBe('main');
    expect(runGit(repo, ['status', '--porcelain'])).toBe('');
    expect(await readFile(join(repo, 'src/cli.js'), 'utf8')).toBe(
      "import { greet } from './greet.js';\n\nconsole.log(greet(process.argv[2] ?? 'world'));\n",
    );
  });
});
