import { existsSync } from 'node:fs';
import { git } from '../git/runner.js';
import type { RunView, TaskView } from './store/run-state.js';

/** Returns the diff text of a task's work so far. The git engine may supply its own. */
export type DiffLoader = (task: TaskView, view: RunView) => Promise<string>;

const maxUntracked = 50;

/**
 * The agent's work against its base: the live worktree (including new files) while it exists,
 * otherwise `git diff <base>..<branch>` in the repository.
 */
export const gitDiffLoader: DiffLoader = async (task, view) => {
  const base = task.baseCommit ?? view.baseCommit;
  if (!base) return '';
  if (task.worktree && existsSync(task.worktree)) {
    const cwd = task.worktree;
    const tracked = await git(['diff', '--no-color', base], { cwd });
    const others = await git(['ls-files', '--others', '--exclude-standard', '-z'], { cwd });
    const added = others.stdout.split('\0').filter(Boolean).slice(0, maxUntracked);
    const parts = [tracked.stdout];
    for (const path of added) {
      const result = await git(['diff', '--no-color', '--no-index', '--', '/dev/null', path], {
        cwd,
        okExitCodes: [1],
      });
      parts.push(result.stdout);
    }
    return parts.join('');
  }
  if (!task.branch || !view.repo) return '';
  return (await git(['diff', '--no-color', `${base}..${task.branch}`], { cwd: view.repo })).stdout;
};
