import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import picomatch from 'picomatch';
import { git, gitLine } from './runner.js';

/** A changed file a snapshot commit leaves out, and why. */
export interface LeftOut {
  path: string;
  reason: 'included' | 'secret' | 'large';
  bytes?: number;
}

export interface LeaveOutRules {
  /** Files larger than this are left out (config `snapshot.maxFileBytes`). */
  maxFileBytes?: number;
  /** Globs of large files committed anyway (config `snapshot.allowLargeFiles`). */
  allowLargeFiles?: readonly string[];
  /** Secret-looking new files are left out (config `allowSecretFiles` excepted). */
  isSecretFile?: (path: string) => boolean;
}

/** Where a worktree remembers the files `worktreeInclude` copied in: its own admin folder, not the tree. */
async function includedListFile(worktree: string): Promise<string> {
  return gitLine(['rev-parse', '--path-format=absolute', '--git-path', 'maestro-included'], {
    cwd: worktree,
  });
}

/** Record the files copied into a worktree by `worktreeInclude`: no snapshot of it commits them. */
export async function recordIncludedFiles(worktree: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  const file = await includedListFile(worktree);
  const known = await readIncludedFiles(worktree);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, [...new Set([...known, ...paths])].join('\0'));
}

export async function readIncludedFiles(worktree: string): Promise<string[]> {
  const text = await readFile(await includedListFile(worktree), 'utf8').catch(() => '');
  return text.split('\0').filter((path) => path !== '');
}

/** A worktree's changes as one `git ls-files -t --others --modified --exclude-standard` lists them. */
export interface WorktreeChanges {
  /** Every listed path once, in listing order. */
  paths: string[];
  /** The untracked ones (tag `?`), not ignored; a nested repository shows as `dir/`. */
  untracked: Set<string>;
}

/** One walk of the worktree: untracked files and tracked ones modified, deleted or unmerged. */
export async function listChanges(worktree: string): Promise<WorktreeChanges> {
  // Untracked (tag `?`) and modified or deleted (tag `C`) files in one listing.
  const listed = await git(['ls-files', '-z', '-t', '--others', '--modified', '--exclude-standard'], {
    cwd: worktree,
  });
  const paths = new Set<string>();
  const untracked = new Set<string>();
  for (const entry of listed.stdout.split('\0')) {
    if (entry === '') continue;
    const path = entry.slice(2);
    if (entry.startsWith('? ')) untracked.add(path);
    // An unmerged file is listed once per stage.
    paths.add(path);
  }
  return { paths: [...paths], untracked };
}

/**
 * Of the listed changes (`listChanges`), the files a snapshot must leave out, whatever `.gitignore`
 * says by then: files `worktreeInclude` copied (`.env` and the like), new secret-looking files, and
 * files over the size limit unless Git LFS tracks them or `allowLargeFiles` names them.
 */
export async function leftOutOf(
  worktree: string,
  changes: WorktreeChanges,
  rules: LeaveOutRules,
): Promise<LeftOut[]> {
  const included = new Set(await readIncludedFiles(worktree));
  const out: LeftOut[] = [];
  const large: LeftOut[] = [];
  const allowed = picomatch([...(rules.allowLargeFiles ?? [])], { dot: true });
  for (const path of changes.paths) {
    if (included.has(path)) out.push({ path, reason: 'included' });
    else if (changes.untracked.has(path) && rules.isSecretFile?.(path)) out.push({ path, reason: 'secret' });
    else if (rules.maxFileBytes !== undefined) {
      const info = await lstat(join(worktree, path)).catch(() => null);
      if (info?.isFile() && info.size > rules.maxFileBytes && !allowed(path))
        large.push({ path, reason: 'large', bytes: info.size });
    }
  }
  const lfs = await lfsTracked(
    worktree,
    large.map((entry) => entry.path),
  );
  return [...out, ...large.filter((entry) => !lfs.has(entry.path))];
}

/** The paths whose `filter` attribute is `lfs` (.gitattributes), so git-lfs stores them. */
async function lfsTracked(worktree: string, paths: string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const result = await git(['check-attr', '-z', '--stdin', 'filter'], {
    cwd: worktree,
    input: paths.join('\0') + '\0',
  });
  // -z output: path NUL attribute NUL value NUL, repeated.
  const fields = result.stdout.split('\0');
  const tracked = new Set<string>();
  for (let i = 0; i + 2 < fields.length; i += 3) if (fields[i + 2] === 'lfs') tracked.add(fields[i] ?? '');
  return tracked;
}

/** One line for the journal naming what a snapshot left out and how to let it in. */
export function describeLeftOut(taskId: string, leftOut: readonly LeftOut[], maxFileBytes?: number): string {
  const parts = leftOut.map((entry) => {
    if (entry.reason === 'large')
      return `${entry.path} (${entry.bytes ?? 0} bytes, over snapshot.maxFileBytes ${maxFileBytes ?? 0}; track it with Git LFS or add it to snapshot.allowLargeFiles)`;
    if (entry.reason === 'included') return `${entry.path} (copied in by worktreeInclude)`;
    return `${entry.path} (looks like a secrets file; allowSecretFiles lets it in)`;
  });
  return `${taskId}: left out of the commit: ${parts.join('; ')}`;
}
