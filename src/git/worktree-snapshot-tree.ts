import { copyFile, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitLine } from './runner.js';

/**
 * A worktree's current state (uncommitted, untracked, minus ignored files) as a commit object,
 * for the conflict radar. The worktree's own index, HEAD and branch are never touched: git works
 * on a private copy of the index, and the commit is written with `commit-tree`, no ref moved.
 */
export interface WorktreeStateCommit {
  /** The commit holding the worktree's state; equals `head` when nothing differs from HEAD. */
  commit: string;
  tree: string;
  head: string;
}

// A fixed identity: these commits are never shown to anyone, and it saves a `git var` spawn.
const identity = {
  GIT_AUTHOR_NAME: 'maestro radar',
  GIT_AUTHOR_EMAIL: 'maestro@localhost',
  GIT_COMMITTER_NAME: 'maestro radar',
  GIT_COMMITTER_EMAIL: 'maestro@localhost',
};

export interface CaptureOptions {
  /** Paths never captured, e.g. dependency folders linked into the worktree. */
  exclude?: readonly string[];
  /**
   * A private index file kept between captures of this worktree (the caller owns and removes it).
   * Its stat cache makes the next capture cheap; without it a temporary one is used and removed.
   */
  indexFile?: string;
}

export async function captureWorktreeState(
  worktree: string,
  options: CaptureOptions = {},
): Promise<WorktreeStateCommit> {
  const [head, headTree, indexPath] = (
    await gitLine(['rev-parse', 'HEAD', 'HEAD^{tree}', '--path-format=absolute', '--git-path', 'index'], {
      cwd: worktree,
    })
  ).split('\n') as [string, string, string];
  const dir = options.indexFile ? undefined : await mkdtemp(join(tmpdir(), 'maestro-radar-'));
  try {
    const env = { GIT_INDEX_FILE: options.indexFile ?? join(dir as string, 'index') };
    // The private index mirrors the worktree, not HEAD: after `add --all` it is the worktree, whatever HEAD is.
    if (!(await exists(env.GIT_INDEX_FILE))) await seedIndex(worktree, indexPath, env);
    const exclude = (options.exclude ?? []).map((path) => `:(exclude,literal)${path}`);
    await git(['add', '--all', '--', '.', ...exclude], { cwd: worktree, env });
    const tree = await gitLine(['write-tree'], { cwd: worktree, env });
    if (tree === headTree) return { commit: head, tree, head };
    const commit = await gitLine(['commit-tree', tree, '-p', head], {
      cwd: worktree,
      input: 'maestro radar: worktree state\n',
      env: identity,
    });
    return { commit, tree, head };
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Start from a copy of the worktree's index so `add` can trust its stat cache instead of hashing
 * every file; the copy keeps the original's mtime, or git's racy-entry check would be fooled.
 * Without an index (nothing checked out yet) the tree of HEAD is the start.
 */
async function seedIndex(worktree: string, indexPath: string, env: { GIT_INDEX_FILE: string }) {
  const original = await stat(indexPath).catch(() => null);
  if (original) {
    await copyFile(indexPath, env.GIT_INDEX_FILE);
    await utimes(env.GIT_INDEX_FILE, original.atime, original.mtime);
    return;
  }
  await git(['read-tree', 'HEAD'], { cwd: worktree, env });
}
