import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { git, gitLine } from './runner.js';

/**
 * A repository an agent creates inside its worktree (`git init vendor/x`) is staged by
 * `git add --all` as a gitlink: a pointer to a commit that exists only in that nested `.git`, so
 * its files would never reach the result and `clean` would delete the only copy. After staging,
 * every *new* gitlink (one that was not a gitlink in HEAD: real submodules are left alone) is
 * replaced in the index by the nested repository's files (tracked and untracked, minus its ignored
 * ones and its `.git`). `staged` is `stagedChanges` of the worktree. Returns the paths that were inlined.
 */
export async function inlineNestedRepos(worktree: string, staged: string): Promise<string[]> {
  const nested = newGitlinks(staged);
  for (const path of nested) {
    await git(['update-index', '--force-remove', '--', path], { cwd: worktree });
    const listed = await git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: join(worktree, path),
    });
    const records: string[] = [];
    for (const file of listed.stdout.split('\0')) {
      if (file === '') continue;
      const record = await indexRecord(worktree, `${path}/${file}`);
      if (record) records.push(record);
    }
    if (records.length > 0) {
      await git(['update-index', '-z', '--add', '--index-info'], {
        cwd: worktree,
        input: `${records.join('\0')}\0`,
      });
    }
  }
  return nested;
}

/** What the index changes against HEAD (`git diff --cached --raw -z`); empty when nothing is staged. */
export async function stagedChanges(worktree: string): Promise<string> {
  return (await git(['diff', '--cached', '--raw', '-z', '--no-renames', 'HEAD'], { cwd: worktree })).stdout;
}

/** Paths whose staged entry is a gitlink (mode 160000) that was not one in HEAD. */
export function newGitlinks(rawZ: string): string[] {
  const fields = rawZ.split('\0');
  const paths: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i] ?? '';
    const path = fields[i + 1] ?? '';
    // `:<src mode> <dst mode> <src oid> <dst oid> <status>`
    const [srcMode, dstMode] = meta.replace(/^:/, '').split(' ');
    if (dstMode === '160000' && srcMode !== '160000') paths.push(path);
  }
  return paths;
}

/** `<mode> <oid>\t<path>` for `update-index --index-info`, the blob written; `null` for what is not a file. */
async function indexRecord(worktree: string, path: string): Promise<string | null> {
  const full = join(worktree, path);
  const info = await lstat(full).catch(() => null);
  if (!info) return null;
  if (info.isSymbolicLink()) {
    const oid = await gitLine(['hash-object', '-w', '--stdin'], {
      cwd: worktree,
      input: await readlink(full),
    });
    return `120000 ${oid}\t${path}`;
  }
  if (!info.isFile()) return null;
  const oid = await gitLine(['hash-object', '-w', '--no-filters', '--', full], { cwd: worktree });
  return `${info.mode & 0o111 ? '100755' : '100644'} ${oid}\t${path}`;
}
