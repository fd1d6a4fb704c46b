import { lstat } from 'node:fs/promises';
import { git } from '../git/runner.js';
import type { FileChangeKind } from '../events.js';

/** Whether `rel` is `folder` or inside it (both relative to the root, with `/`). */
export const within = (rel: string, folder: string): boolean =>
  folder === '' || rel === folder || rel.startsWith(`${folder}/`);

/** Pathspecs per `git ls-tree`, well under any argument-length limit. */
const chunk = 1000;

/** The commit checked out in `root`, whose files were there when watching began; undefined outside a checkout. */
export async function checkedOut(root: string): Promise<string | undefined> {
  return git(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { cwd: root }).then(
    (result) => result.stdout.trim() || undefined,
    () => undefined,
  );
}

/** Which of `paths` (files, or folders for everything under them) commit `base` holds. */
async function inCommit(
  root: string,
  base: string | undefined,
  paths: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  if (base === undefined) return found;
  for (let i = 0; i < paths.length; i += chunk) {
    const specs = paths.slice(i, i + chunk).map((path) => `:(literal)${path}`);
    const listed = await git(['ls-tree', '-r', '-z', '--name-only', base, '--', ...specs], {
      cwd: root,
    }).then(
      (result) => result.stdout.split('\0'),
      () => [],
    );
    for (const path of listed) if (path) found.add(path);
  }
  return found;
}

/**
 * The changes behind paths the kernel named in folders whose files are not kept track of (see
 * WorktreeWatcher): the watcher knows only that something happened to a name, so the kind comes
 * from whether the file is there now and was there before. "Before" is what an earlier batch saw
 * (`known`, updated here), else whether `base`, the commit checked out when watching began, holds
 * it (not the index or HEAD: snapshot commits and the agent's own `git add` move those). `goneFolders` were removed (or moved away) whole: their files are gone too.
 * A folder is no file change (the watcher reports what is inside it); a file that came and went
 * within one batch is none either. An untracked file that was there before the watcher and is then
 * edited counts as added, and its deletion is not seen: a fresh or recycled worktree has none.
 */
export async function changeKinds(
  root: string,
  base: string | undefined,
  paths: readonly string[],
  goneFolders: readonly string[],
  known: Map<string, boolean>,
): Promise<Map<string, FileChangeKind>> {
  const ask = [...paths.filter((path) => !known.has(path)), ...goneFolders];
  const inIndex = ask.length > 0 ? await inCommit(root, base, ask) : new Set<string>();
  const candidates = new Set(paths);
  for (const folder of goneFolders) {
    for (const path of inIndex) if (within(path, folder)) candidates.add(path);
    for (const [path, there] of known) if (there && within(path, folder)) candidates.add(path);
  }
  const kinds = new Map<string, FileChangeKind>();
  await Promise.all(
    [...candidates].map(async (path) => {
      const stats = await lstat(`${root}/${path}`).catch(() => undefined);
      if (stats?.isDirectory()) return;
      const before = known.get(path) ?? inIndex.has(path);
      const now = stats !== undefined;
      known.set(path, now);
      if (now) kinds.set(path, before ? 'change' : 'add');
      else if (before) kinds.set(path, 'unlink');
    }),
  );
  return kinds;
}
