import { git } from './runner.js';

/** Line counts between two commits, for the UI, commit events and dependents' context. */
export interface FileStat {
  path: string;
  /** Set when git detected a rename. */
  oldPath?: string;
  /** `null` for binary files. */
  insertions: number | null;
  deletions: number | null;
}

export interface DiffStats {
  files: FileStat[];
  insertions: number;
  deletions: number;
}

export async function diffNumstat(repo: string, from: string, to: string): Promise<DiffStats> {
  const result = await git(['diff', '--numstat', '-z', '-M', '--end-of-options', from, to], { cwd: repo });
  return parseNumstat(result.stdout);
}

/** Parse `diff --numstat -z`: `ins TAB del TAB path NUL`, or `ins TAB del TAB NUL old NUL new NUL` for renames. */
export function parseNumstat(stdout: string): DiffStats {
  const tokens = stdout.split('\0');
  const files: FileStat[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] ?? '';
    if (token === '') continue;
    const [ins = '-', del = '-', path = ''] = token.split('\t');
    const insertions = ins === '-' ? null : Number(ins);
    const deletions = del === '-' ? null : Number(del);
    if (path === '') {
      files.push({ oldPath: tokens[index + 1] ?? '', path: tokens[index + 2] ?? '', insertions, deletions });
      index += 2;
    } else {
      files.push({ path, insertions, deletions });
    }
  }
  return {
    files,
    insertions: files.reduce((sum, file) => sum + (file.insertions ?? 0), 0),
    deletions: files.reduce((sum, file) => sum + (file.deletions ?? 0), 0),
  };
}

/** Files a branch changed since it forked from `base` (three-dot: the base's own later work is not counted). */
export async function changedFiles(repo: string, base: string, branch: string): Promise<string[]> {
  const result = await git(
    ['diff', '--name-only', '-z', '--no-renames', '--end-of-options', `${base}...${branch}`],
    {
      cwd: repo,
    },
  );
  return result.stdout.split('\0').filter((path) => path !== '');
}
