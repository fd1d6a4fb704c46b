import { access, constants, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { git, gitLine } from './runner.js';

/**
 * The project's commit hooks (config `commitHooks`), run by maestro itself rather than by git:
 * maestro's git never runs a hook (core.hooksPath=/dev/null), so pre-commit and commit-msg run
 * here through `run`, the task's sandbox, with the agents' scrubbed environment.
 */
export interface HookRunner {
  run(file: string, args: string[], env: Record<string, string>): Promise<{ ok: boolean; output: string }>;
}

/** Where the repository's hooks are: its own `core.hooksPath` (not maestro's command-line override), else `.git/hooks`. */
async function hooksDir(worktree: string): Promise<string> {
  // --show-scope tells the files apart from maestro's `-c core.hooksPath=/dev/null` ("command").
  const scoped = await git(['config', '--show-scope', '--get-all', 'core.hooksPath'], {
    cwd: worktree,
    okExitCodes: [1],
  });
  const configured = scoped.stdout
    .split('\n')
    .map((line) => /^(\S+)\t(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && m[1] !== 'command')
    .at(-1)?.[2];
  if (configured !== undefined && configured !== '') {
    const top = await gitLine(['rev-parse', '--show-toplevel'], { cwd: worktree });
    return isAbsolute(configured) ? configured : resolve(top, configured);
  }
  const common = await gitLine(['rev-parse', '--path-format=absolute', '--git-common-dir'], {
    cwd: worktree,
  });
  return join(common, 'hooks');
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

export type HookResult = { ok: true; message: string } | { ok: false; hook: string; output: string };

/**
 * pre-commit, then commit-msg on a message file in the worktree's admin folder (the hook may
 * edit it); returns the message to commit, or the first hook's refusal.
 */
export async function runCommitHooks(
  worktree: string,
  message: string,
  runner: HookRunner,
  env: Record<string, string>,
): Promise<HookResult> {
  const dir = await hooksDir(worktree);
  const gitDir = await gitLine(['rev-parse', '--path-format=absolute', '--git-dir'], { cwd: worktree });
  const hookEnv = { ...env, GIT_INDEX_FILE: join(gitDir, 'index') };
  const preCommit = join(dir, 'pre-commit');
  if (await executable(preCommit)) {
    const result = await runner.run(preCommit, [], hookEnv);
    if (!result.ok) return { ok: false, hook: 'pre-commit', output: result.output };
  }
  const commitMsg = join(dir, 'commit-msg');
  if (!(await executable(commitMsg))) return { ok: true, message };
  const file = join(gitDir, 'COMMIT_EDITMSG');
  await writeFile(file, message);
  const result = await runner.run(commitMsg, [file], hookEnv);
  if (!result.ok) return { ok: false, hook: 'commit-msg', output: result.output };
  return { ok: true, message: await readFile(file, 'utf8') };
}
