/**
 * A task's cone: the folders its planned files live in, plus the top-level files. A new worktree
 * checks these out first (tens of milliseconds) so the agent can read its own files while the
 * rest of the tree is still being written.
 */
export interface Cone {
  /** Folders relative to the worktree root, without a trailing slash. */
  folders: readonly string[];
}

const globChar = /[*?[{]/;

/**
 * The cone of a task's file globs, or null when one of them could match anywhere (a glob at the
 * root that reaches into folders, like `**\/*.ts` or `src*\/a.ts`): then nothing is checked out early.
 */
export function coneOf(files: readonly string[]): Cone | null {
  const folders = new Set<string>();
  for (const raw of files) {
    const file = raw.replace(/^\.?\/+/, '');
    const glob = file.search(globChar);
    const literal = glob === -1 ? file : file.slice(0, glob);
    const slash = literal.lastIndexOf('/');
    if (slash === -1) {
      // Top-level files are always in the cone; a glob there that can reach into folders could be anywhere.
      if (glob !== -1 && (file.includes('/') || file.includes('**'))) return null;
      continue;
    }
    folders.add(literal.slice(0, slash));
  }
  // A folder inside another one adds nothing.
  const sorted = [...folders].sort();
  const outer = sorted.filter((folder) => !sorted.some((other) => folder.startsWith(`${other}/`)));
  return { folders: outer };
}

/** Pathspecs for `git checkout -- <pathspec>`: the folders literally, the top-level files by glob. */
export function conePathspecs(cone: Cone): string[] {
  return [...cone.folders.map((folder) => `:(literal)${folder}/`), ':(glob)*'];
}

/** Whether a path (relative to the worktree root) is in the cone. */
export function coneCovers(cone: Cone, path: string): boolean {
  const file = path.replace(/^\.?\/+/, '');
  if (file === '' || file.split('/').includes('..')) return false;
  if (!file.includes('/')) return true;
  return cone.folders.some((folder) => file.startsWith(`${folder}/`));
}
