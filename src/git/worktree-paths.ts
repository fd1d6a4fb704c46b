import { isAbsolute, join, relative, resolve } from 'node:path';
import envPaths from 'env-paths';
import { ConfigError } from '../errors.js';
import { assertSafeId } from './refs.js';

/**
 * Where worktrees live: outside the repository, so the project's own tools never see twenty
 * copies of the code. `<worktreeDir or data dir>/maestro/worktrees/<repo key>/<runId>/<taskId>`.
 */
export function worktreeRoot(repo: { toplevel: string; key: string }, worktreeDir: string | null): string {
  const base = worktreeDir
    ? resolve(repo.toplevel, worktreeDir)
    : join(envPaths('maestro', { suffix: '' }).data, 'worktrees');
  const root = join(base, repo.key);
  if (isInside(repo.toplevel, root)) {
    throw new ConfigError(
      `worktreeDir ${base} is inside the repository: choose a folder outside ${repo.toplevel}.`,
    );
  }
  return root;
}

export function worktreePath(root: string, runId: string, taskId: string): string {
  assertSafeId('run', runId);
  assertSafeId('task', taskId);
  return join(root, runId, taskId);
}

/** Removed worktrees wait here (same filesystem, so the move is a rename) until deleted. */
export function trashDir(root: string): string {
  return join(root, '.trash');
}

export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
