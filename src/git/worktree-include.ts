import { copyFile, lstat, mkdir, readdir, readFile, constants } from 'node:fs/promises';
import { join } from 'node:path';
import ignore from 'ignore';
import { git } from './runner.js';

/**
 * Copy git-ignored files that match `.worktreeinclude` (gitignore syntax) or config `worktreeInclude`
 * from the user's working tree into a new worktree: `.env` files and the like. Only files git calls
 * ignored in the worktree, never over a tracked or existing file, never through a symlink.
 */
export async function includePatterns(toplevel: string, extra: string[]): Promise<string[]> {
  const file = await readFile(join(toplevel, '.worktreeinclude'), 'utf8').catch(() => '');
  const lines = file.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('#'));
  return [...lines, ...extra];
}

export async function copyIncludedFiles(
  toplevel: string,
  worktree: string,
  patterns: string[],
): Promise<string[]> {
  if (patterns.length === 0) return [];
  const matcher = ignore().add(patterns);
  const listed = await git(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'], {
    cwd: toplevel,
  });
  const candidates: string[] = [];
  for (const entry of listed.stdout.split('\0')) {
    if (entry === '') continue;
    if (!entry.endsWith('/')) {
      if (matcher.ignores(entry)) candidates.push(entry);
    } else if (matcher.ignores(entry)) {
      candidates.push(...(await walkFiles(toplevel, entry.slice(0, -1))));
    } else if (patterns.some((pattern) => pattern.replace(/^\//, '').startsWith(entry))) {
      const inside = await walkFiles(toplevel, entry.slice(0, -1));
      candidates.push(...inside.filter((path) => matcher.ignores(path)));
    }
  }
  if (candidates.length === 0) return [];
  const ignoredThere = await git(['check-ignore', '-z', '--stdin'], {
    cwd: worktree,
    input: candidates.join('\0') + '\0',
    // 128: a path git refuses to look at (beyond a symlink): copy nothing rather than fail the worktree.
    okExitCodes: [1, 128],
  });
  const tracked = await git(['ls-files', '-z', '--', ...candidates.map((path) => `:(literal)${path}`)], {
    cwd: worktree,
    okExitCodes: [128],
  });
  const trackedSet = new Set(tracked.stdout.split('\0'));
  const copied: string[] = [];
  for (const path of ignoredThere.stdout.split('\0')) {
    if (path === '' || trackedSet.has(path)) continue;
    if (await copyOne(toplevel, worktree, path)) copied.push(path);
  }
  return copied;
}

/** Regular files under `dir` (relative to `base`), not descending into symlinks. */
async function walkFiles(base: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(base, dir), { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await walkFiles(base, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

async function copyOne(toplevel: string, worktree: string, path: string): Promise<boolean> {
  const parts = path.split('/');
  // The source and every folder on its way must be real, not symlinks.
  for (let depth = 1; depth <= parts.length; depth++) {
    const stat = await lstat(join(toplevel, ...parts.slice(0, depth))).catch(() => null);
    if (!stat || stat.isSymbolicLink()) return false;
    if (depth === parts.length && !stat.isFile()) return false;
  }
  for (let depth = 1; depth < parts.length; depth++) {
    const dir = join(worktree, ...parts.slice(0, depth));
    const stat = await lstat(dir).catch(() => null);
    if (stat?.isSymbolicLink() || (stat && !stat.isDirectory())) return false;
    if (!stat) await mkdir(dir);
  }
  try {
    await copyFile(join(toplevel, path), join(worktree, path), constants.COPYFILE_EXCL);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
