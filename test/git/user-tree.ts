import { createHash } from 'node:crypto';
import { readFile, readdir, lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runGit } from '../helpers/repo.js';

/**
 * Everything of the user's that maestro must never write: working tree status, index, HEAD,
 * refs outside `refs/heads/maestro/`, and the bytes of every file in the checkout.
 */
export interface UserTreeState {
  status: string;
  head: string;
  refs: string;
  index: string;
  files: Record<string, string>;
}

export async function captureUserTree(repo: string): Promise<UserTreeState> {
  const refs = runGit(repo, ['for-each-ref', '--format=%(objectname) %(refname)'])
    .split('\n')
    .filter((line) => !line.includes(' refs/heads/maestro/'))
    .join('\n');
  const files: Record<string, string> = {};
  await hashTree(repo, '', files);
  return {
    status: runGit(repo, ['status', '--porcelain=v2', '--branch', '--untracked-files=all', '--ignored']),
    head: `${symbolicHead(repo)} ${runGit(repo, ['rev-parse', 'HEAD'])}`,
    refs,
    index: hash(await readFile(join(repo, '.git', 'index'))),
    files,
  };
}

export async function expectUserTreeUntouched(repo: string, before: UserTreeState): Promise<void> {
  expect(await captureUserTree(repo)).toEqual(before);
}

function symbolicHead(repo: string): string {
  try {
    return runGit(repo, ['symbolic-ref', '-q', 'HEAD']);
  } catch {
    return 'detached';
  }
}

async function hashTree(root: string, rel: string, out: Record<string, string>): Promise<void> {
  for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (path === '.git') continue;
    const stat = await lstat(join(root, path));
    if (stat.isSymbolicLink()) out[path] = `link:${await readlink(join(root, path))}`;
    else if (stat.isDirectory()) await hashTree(root, path, out);
    else out[path] = `${(stat.mode & 0o777).toString(8)}:${hash(await readFile(join(root, path)))}`;
  }
}

function hash(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}
