import { mkdir, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
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

/**
 * Create the worktree root one folder at a time before anything of a run is written, so an
 * unusable `worktreeDir` is one clear line. (Node's `mkdir({recursive: true})` spins forever where
 * a folder cannot be made although its parent exists, e.g. under `/proc`.) Then the root's real
 * path is checked against the repository's: a `worktreeDir` reached through a symlink into the
 * repository is inside it, whatever its text says.
 */
export async function prepareWorktreeRoot(repo: { toplevel: string }, root: string): Promise<void> {
  // The real path of the nearest folder that exists, plus the names still to be made.
  const rest: string[] = [];
  let existing = root;
  let realBase: string | null = null;
  while (realBase === null) {
    realBase = await realpath(existing).catch(() => null);
    if (realBase !== null || dirname(existing) === existing) break;
    rest.unshift(basename(existing));
    existing = dirname(existing);
  }
  const realRoot = join(realBase ?? existing, ...rest);
  if (isInside(await realpath(repo.toplevel), realRoot)) {
    throw new ConfigError(
      `worktreeDir ${root} is inside the repository (it resolves to ${realRoot}): choose a folder outside ${repo.toplevel}.`,
    );
  }
  let dir = existing;
  for (const name of rest) {
    dir = join(dir, name);
    await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw unusable(root, error);
    });
  }
}

function unusable(root: string, error: NodeJS.ErrnoException): ConfigError {
  return new ConfigError(
    `worktreeDir: cannot create ${root} (${error.code ?? error.message}); set worktreeDir to a folder you can write, outside the repository.`,
  );
}
