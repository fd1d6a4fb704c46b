import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { commitAll, runGit, tempDir, tempRepo } from '../helpers/repo.js';

/**
 * A real repository whose agent is a shell script (the `agent: {command}` setting), so a whole
 * `maestro run --plan` goes through the CLI without any model: what a misbehaving external agent
 * does is what the script does, in the task's worktree.
 */
export interface ScriptedRepo {
  repo: string;
  worktrees: string;
  planFile: string;
  run(args?: string[], env?: Record<string, string>): Promise<CliResult>;
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
}

export async function scriptedRepo(
  script: string,
  options: { tasks?: string[]; config?: Record<string, unknown> } = {},
): Promise<ScriptedRepo> {
  const repo = await tempRepo({ 'a.txt': 'a\n' });
  await writeFile(join(repo, 'b.txt'), 'b\n');
  commitAll(repo, 'second');
  const worktrees = await tempDir('maestro-wt-');
  await writeFile(
    join(repo, '.maestrorc.json'),
    JSON.stringify({ worktreeDir: worktrees, agent: { command: ['sh', '-c', script] }, ...options.config }),
  );
  runGit(repo, ['add', '.maestrorc.json']);
  runGit(repo, ['commit', '-qm', 'config']);
  const planFile = join(await tempDir('maestro-plan-'), 'plan.json');
  const tasks = (options.tasks ?? ['t1']).map((id) => ({ id, title: id, instructions: `do ${id}` }));
  await writeFile(planFile, JSON.stringify({ objective: 'scripted', tasks }));
  // The fixture's own config sets agent.command: trusted, as a user who wrote it would.
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(['--trust-config', ...args], { cwd: repo, env });
  return {
    repo,
    worktrees,
    planFile,
    cli,
    run: (args = [], env = {}) => cli(['run', '--plan', planFile, '--headless', ...args], env),
  };
}
