import { watch, type FSWatcher } from 'chokidar';

export interface WalkedFoldersOptions {
  /** The worktree, as chokidar is given it. */
  root: string;
  /** Whether a folder (relative to the root, with `/`) is not to be watched (ignore rules). */
  skips: (rel: string) => boolean;
  /** Every raw event of a walked folder's watch (chokidar's `raw`). */
  onRaw: (event: string, name: string | null, details: unknown) => void;
  onError: (error: unknown) => void;
  /** Folders given to one chokidar watcher at a time (see the class comment). */
  foldersPerWatcher?: number;
}

interface Owned {
  watcher: FSWatcher;
  /** Its watch exists: chokidar's `ready` for its batch has come. */
  watched: boolean;
}

/** The parent of an absolute or relative `/` path ('' for a top-level relative one). */
const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));

/**
 * The folders that were there when watching began, each watched by chokidar on its own (depth 0)
 * with every entry inside ignored: a file's change comes from the `raw` event of its folder's
 * watch (see WorktreeWatcher), a folder below is walked itself. chokidar is given a few folders
 * at a time, the next batch once its `ready` came, so only those few folders' listings (chokidar
 * lstats every entry of a folder it watches) are in flight at once. Walking a whole worktree in
 * one chokidar watcher starts every subfolder's listing together: for 20 worktrees of 4,000 files
 * that grew V8's young generation to its 128 MB maximum (bench/watch). The folders below a batch
 * are found in chokidar's own listing (its `ignored(path, stats)` sees every entry), so no folder
 * is listed twice.
 *
 * What this relies on in chokidar 6.0.0 (node_modules/chokidar, read for this): `depth: 0`
 * subscribes and lists each given folder and enters none below it; `ignored(path, stats)` is
 * asked for every entry of a listed folder with its lstat; `ready` comes once the given folders
 * are subscribed and listed; a folder that is removed is never reported by a watcher that
 * ignores everything inside its watched folders (so removal is the caller's to notice, from its
 * parent's raw event, and to pass to `drop`).
 */
export class WalkedFolders {
  private readonly owned = new Map<string, Owned>();
  private readonly watchers = new Map<FSWatcher, number>();
  private closed = false;
  private stopWaiting: (() => void) | undefined;

  constructor(private readonly options: WalkedFoldersOptions) {}

  has(rel: string): boolean {
    return this.owned.has(rel);
  }

  /** The walked folders whose watch exists. */
  watchedFolders(): string[] {
    return [...this.owned].flatMap(([rel, owned]) => (owned.watched ? [rel] : []));
  }

  /** Walks `folders` and every folder below them not skipped; resolves once all are watched (or closed). */
  async add(folders: readonly string[]): Promise<void> {
    const queue = [...folders];
    const size = this.options.foldersPerWatcher ?? 4;
    while (queue.length > 0 && !this.closed) {
      const batch = queue.splice(0, size).filter((rel) => !this.owned.has(rel) && !this.options.skips(rel));
      if (batch.length > 0) queue.push(...(await this.watchBatch(batch)));
    }
  }

  /** Stops watching `rel` and every walked folder inside it (removed, moved away or now ignored). */
  drop(rel: string): void {
    for (const [folder, owned] of this.owned) {
      if (!(rel === '' || folder === rel || folder.startsWith(`${rel}/`))) continue;
      this.owned.delete(folder);
      const left = (this.watchers.get(owned.watcher) ?? 1) - 1;
      if (left > 0) {
        this.watchers.set(owned.watcher, left);
        if (!owned.watcher.closed) owned.watcher.unwatch(this.absolute(folder));
      } else {
        this.watchers.delete(owned.watcher);
        void owned.watcher.close().catch((error: unknown) => this.options.onError(error));
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopWaiting?.();
    const watchers = [...this.watchers.keys()];
    this.watchers.clear();
    this.owned.clear();
    await Promise.all(watchers.map((watcher) => watcher.close()));
  }

  /** Watches one batch; resolves to the folders found below it, once chokidar is ready. */
  private async watchBatch(batch: string[]): Promise<string[]> {
    const roots = new Map(batch.map((rel) => [this.absolute(rel), rel]));
    const found: string[] = [];
    const watcher = watch([...roots.keys()], {
      depth: 0,
      ignoreInitial: true,
      followSymlinks: false,
      // No file of these folders is chokidar's, so no editor temp file needs telling apart.
      atomic: false,
      ignored: (path, stats) => {
        if (roots.has(path)) return false;
        // A real folder (not a symlink to one) directly inside one of the batch: walked next.
        if (stats?.isDirectory() && roots.has(parentOf(path))) {
          const rel = this.relative(path);
          if (!this.owned.has(rel) && !this.options.skips(rel)) found.push(rel);
        }
        return true;
      },
    });
    this.watchers.set(watcher, batch.length);
    for (const rel of batch) this.owned.set(rel, { watcher, watched: false });
    watcher.on('raw', (event, name, details) => this.options.onRaw(event, name, details));
    watcher.on('error', (error) => this.options.onError(error));
    await new Promise<void>((resolve) => {
      this.stopWaiting = resolve;
      watcher.once('ready', resolve);
    });
    this.stopWaiting = undefined;
    for (const rel of batch) {
      const owned = this.owned.get(rel);
      if (owned?.watcher === watcher) owned.watched = true;
    }
    return this.closed ? [] : found;
  }

  private absolute(rel: string): string {
    return rel === '' ? this.options.root : `${this.options.root}/${rel}`;
  }

  private relative(path: string): string {
    return path.slice(this.options.root.length + 1);
  }
}
