import { readFileSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { MaestroError } from '../errors.js';
import type { FileChangeKind, RunEventBody } from '../events.js';
import { changeKinds, checkedOut, within as inside } from './change-kinds.js';
import { ignoreFolder, loadWorktreeIgnores, type WorktreeIgnores } from './ignore-rules.js';
import type { WalkGate } from './walk-gate.js';
import { WalkedFolders } from './walked-folders.js';

export type FilesChanged = Extract<RunEventBody, { type: 'agent.files_changed' }>;

export interface WorktreeWatcherOptions {
  taskId: string;
  /** The agent's worktree. */
  root: string;
  /** Globs relative to the root (config `excludePaths`). */
  excludePaths?: string[];
  /** Quiet time before a batch goes out; a busy agent still gets one every `maxWaitMs`. */
  debounceMs?: number;
  maxWaitMs?: number;
  /** Shared by a run's watchers, so their first walks take turns (see WalkGate). */
  walks?: WalkGate;
  onChange: (event: FilesChanged) => void;
  onError?: (error: MaestroError) => void;
}

/** A full kernel watch table is a machine setting, not a maestro bug: say how to fix it. */
export class WatchLimitError extends MaestroError {
  constructor(root: string, cause: unknown) {
    super(
      `the kernel's file watch limit is reached while watching ${root}: raise it ` +
        '(`sudo sysctl fs.inotify.max_user_watches=524288`) or add large folders to excludePaths',
      { cause },
    );
  }
}

/** chokidar also reports the root's parent, through which it watches the root. */
const aboveRoot = (rel: string): boolean => rel === '..' || rel.startsWith('../');

/** Whether `rel` is `folder` or inside it ('' = the root). */
const within = (rel: string, folder: string): boolean => !aboveRoot(rel) && inside(rel, folder);

const isGitignore = (rel: string): boolean => rel === '.gitignore' || rel.endsWith('/.gitignore');

/** Merges a new change into what is pending for a path (add then unlink cancels out). */
function merge(previous: FileChangeKind | undefined, next: FileChangeKind): FileChangeKind | undefined {
  if (previous === 'add' && next === 'unlink') return undefined;
  if (previous === 'add') return 'add';
  if (previous === 'unlink' && next === 'add') return 'change';
  return next;
}

/**
 * Watches one worktree and reports its file changes as `agent.files_changed` bodies, debounced.
 * `.git`, excludePaths and what git ignores (.git/info/exclude and every .gitignore, each relative
 * to its own folder) are never watched, which keeps kernel watches low. A .gitignore the agent
 * writes, edits or deletes changes what is watched from then on.
 *
 * The folders there when watching began are walked a few at a time (WalkedFolders), each watched
 * by chokidar with nothing inside it kept: a file's change is reported on its folder's watch
 * anyway (inotify watches are per folder), chokidar's `raw` event names it, and the batch's kind
 * comes from whether the file is there now and was before (change-kinds.ts). A folder that
 * appears in a walked folder afterwards (the raw event names it, lstat says it is a folder) is
 * given to one more chokidar watcher, recursive and reporting everything it finds, so the files
 * made in it before its watch existed are reported too; a walked folder that is gone is dropped
 * and its files reported removed.
 *
 * What this relies on in chokidar 6.0.0 (node_modules/chokidar, read for this): `raw` is emitted
 * for every native callback of a folder's watch, before any filtering, as `(rawEvent, name,
 * { watchedPath })` with `name` relative to `watchedPath`, and `rawEvent` Node's `rename` for an
 * entry made, removed or moved; with `ignoreInitial: false` an added folder's files are reported
 * as `add`; `unlinkDir` is emitted for a watched folder that is gone.
 */
export class WorktreeWatcher {
  private readonly root: string;
  private folders: WalkedFolders | undefined;
  /** Folders made after the walk, recursively (created at the first one). */
  private live: FSWatcher | undefined;
  private readonly liveRoots = new Set<string>();
  private ignores: WorktreeIgnores | undefined;
  private pending = new Map<string, FileChangeKind | undefined>();
  /** Names the kernel reported in walked folders, and walked folders gone, since the last batch. */
  private named = new Set<string>();
  private goneFolders = new Set<string>();
  /** Entries made or removed in walked folders while walking: a folder among them is walked too. */
  private readonly namedWhileWalking = new Set<string>();
  /** Whether each named file was there after the batch that last reported it. */
  private readonly known = new Map<string, boolean>();
  /** The commit checked out when watching began: what the walked folders held. */
  private base: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private batchStartedAt: number | undefined;
  private reporting: Promise<void> = Promise.resolve();
  private ready = false;
  private closing = false;

  constructor(private readonly options: WorktreeWatcherOptions) {
    // chokidar hands back paths normalized like this, and `relative` slices them.
    this.root = resolve(options.root);
  }

  /** Resolves once the worktree is watched (or the watcher was closed meanwhile). */
  async start(): Promise<void> {
    const { walks } = this.options;
    await (walks ? walks.run(() => this.walk()) : this.walk());
  }

  /** The folders watched, relative to the root ('' = the root). */
  watchedFolders(): string[] {
    const live = Object.keys(this.live?.getWatched() ?? {}).flatMap((dir) => {
      const rel = this.relative(dir);
      // chokidar also lists a root's parent, a walked folder.
      return this.liveRootOf(rel) !== undefined ? [rel] : [];
    });
    return [...(this.folders?.watchedFolders() ?? []), ...live];
  }

  private async walk(): Promise<void> {
    const { root } = this;
    if (this.closing) return;
    const [ignores, base] = await Promise.all([
      loadWorktreeIgnores(root, this.options.excludePaths ?? []),
      checkedOut(root),
    ]);
    if (this.closing) return;
    this.ignores = ignores;
    this.base = base;
    const folders = new WalkedFolders({
      root,
      skips: (rel) => ignores.ignores(rel, true),
      onRaw: (event, name, details) => this.kernelNamed(event, name, details),
      onError: (error) => this.fail(error),
    });
    this.folders = folders;
    await folders.add(['']);
    // A folder made in a walked one after chokidar listed it: walked too, until none is left.
    while (this.namedWhileWalking.size > 0 && !this.closing) {
      const names = [...this.namedWhileWalking];
      this.namedWhileWalking.clear();
      const made = await Promise.all(names.map(async (rel) => ((await this.isFolder(rel)) ? rel : [])));
      await folders.add(made.flat());
    }
    this.ready = true;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    await Promise.all([this.folders?.close(), this.live?.close()]);
    this.folders = undefined;
    this.live = undefined;
  }

  private async isFolder(rel: string): Promise<boolean> {
    const stats = await lstat(this.absolute(rel)).catch(() => undefined);
    return stats?.isDirectory() === true;
  }

  /** The watcher of folders made after the walk: everything in them is chokidar's. */
  private liveWatcher(): FSWatcher {
    if (this.live) return this.live;
    const watcher = watch([], {
      ignoreInitial: false,
      followSymlinks: false,
      ignored: (path, stats) => this.liveSkips(this.relative(path), stats),
    });
    watcher.on('add', (path) => this.changed(path, 'add'));
    watcher.on('change', (path) => this.changed(path, 'change'));
    watcher.on('unlink', (path) => this.changed(path, 'unlink'));
    watcher.on('unlinkDir', (path) => this.liveFolderGone(path));
    watcher.on('error', (error) => this.fail(error));
    this.live = watcher;
    return watcher;
  }

  /**
   * The live watcher's `ignored`. Without stats a path may still be a folder: `undefined` makes
   * folder patterns count too. A walked folder is not its to watch.
   */
  private liveSkips(rel: string, stats: { isDirectory(): boolean } | undefined): boolean {
    if (aboveRoot(rel)) return false;
    if (this.folders?.has(rel)) return true;
    return this.ignores?.ignores(rel, stats?.isDirectory()) === true;
  }

  /** The live root `rel` is in, if any. */
  private liveRootOf(rel: string): string | undefined {
    for (const top of this.liveRoots) if (within(rel, top)) return top;
    return undefined;
  }

  /** A folder made after the walk (or brought back): watched with its files, which are all new. */
  private watchMade(rel: string): void {
    if (this.closing || this.liveRootOf(rel) !== undefined || this.ignores?.ignores(rel, true)) return;
    this.liveRoots.add(rel);
    this.liveWatcher().add(this.absolute(rel));
  }

  private liveFolderGone(path: string): void {
    const rel = this.relative(path);
    // A root chokidar would wait for from its parent, which is a walked folder whose raw events say when it is back.
    if (this.liveRoots.delete(rel)) this.live?.unwatch(path);
  }

  /** Called for every path chokidar meets (its `ignored` test): a slice, not `path.relative`, in the common case. */
  private relative(path: string): string {
    const { root } = this;
    if (path.startsWith(root) && (path.length === root.length || path[root.length] === sep)) {
      const rel = path.slice(root.length + 1);
      return sep === '/' ? rel : rel.split(sep).join('/');
    }
    return relative(root, path).split(sep).join('/');
  }

  private absolute(rel: string): string {
    return rel === '' ? this.root : join(this.root, rel);
  }

  private changed(path: string, kind: FileChangeKind): void {
    const rel = this.relative(path);
    if (isGitignore(rel)) this.reloadIgnoreFile(rel);
    this.record(rel, kind);
  }

  /** A `raw` event of a walked folder: something happened to `name` in it. */
  private kernelNamed(event: string, name: string | null, details: unknown): void {
    const folder = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    // A folder's own event names nothing.
    if (this.closing || name === null || typeof folder !== 'string') return;
    const rel = this.relative(join(folder, name));
    if (rel === '' || aboveRoot(rel) || !this.folders?.has(ignoreFolder(rel))) return;
    // Before 'ready' nothing is reported (the walk is no change), but a folder made meanwhile is walked.
    if (!this.ready) {
      if (event === 'rename') this.namedWhileWalking.add(rel);
      return;
    }
    if (isGitignore(rel)) this.reloadIgnoreFile(rel);
    this.named.add(rel);
    this.schedule();
    if (event === 'rename') void this.entryMovedIn(rel).catch((error: unknown) => this.fail(error));
  }

  /** An entry of a walked folder was made, removed or moved: a folder made is watched, one gone is dropped. */
  private async entryMovedIn(rel: string): Promise<void> {
    const folder = await this.isFolder(rel);
    if (this.closing) return;
    // Made again under the same name, the old watch is on what was removed.
    if (this.folders?.has(rel)) this.folderGone(rel);
    if (folder) this.watchMade(rel);
  }

  /** A walked folder was removed or moved away: its files went with it. */
  private folderGone(rel: string): void {
    this.folders?.drop(rel);
    this.goneFolders.add(rel);
    this.schedule();
  }

  /** Re-reads one .gitignore (synchronously: it is small, and later events must see its rules). */
  private reloadIgnoreFile(rel: string): void {
    let text: string | undefined;
    try {
      text = readFileSync(join(this.root, rel), 'utf8');
    } catch {
      text = undefined;
    }
    const folder = ignoreFolder(rel);
    if (this.ignores?.setFile(folder, text)) this.rewatch(folder);
  }

  /** After the rules of `folder` changed: stop watching what they now ignore, watch what they now let in. */
  private rewatch(folder: string): void {
    const { folders, ignores } = this;
    if (!folders || !ignores) return;
    const watched = this.watchedFolders()
      .filter((dir) => within(dir, folder))
      .sort();
    const dropped: string[] = [];
    for (const dir of watched) {
      if (dropped.some((top) => within(dir, top)) || !ignores.ignores(dir, true)) continue;
      // Ignored now, not gone: forgotten, so its files are not reported removed.
      if (folders.has(dir)) folders.drop(dir);
      else {
        this.live?.unwatch(this.absolute(dir));
        this.liveRoots.delete(dir);
      }
      dropped.push(dir);
    }
    const kept = watched.filter((dir) => !dropped.some((top) => within(dir, top)));
    const keptSet = new Set(kept);
    void Promise.all(
      kept.map(async (dir) => {
        const entries = await readdir(this.absolute(dir), { withFileTypes: true }).catch(() => []);
        const letIn = entries.flatMap((entry) => {
          const child = dir === '' ? entry.name : `${dir}/${entry.name}`;
          return entry.isDirectory() && !keptSet.has(child) && !ignores.ignores(child, true) ? [child] : [];
        });
        // What was there is no change: a walked folder's are walked, a made folder's are the live watcher's.
        if (folders.has(dir)) await folders.add(letIn);
        else for (const child of letIn) if (!this.closing) this.liveWatcher().add(this.absolute(child));
      }),
    ).catch((error: unknown) => this.fail(error));
  }

  private record(rel: string, kind: FileChangeKind): void {
    this.pending.set(rel, merge(this.pending.get(rel), kind));
    this.schedule();
  }

  private schedule(): void {
    const now = Date.now();
    this.batchStartedAt ??= now;
    if (this.timer) clearTimeout(this.timer);
    const debounce = this.options.debounceMs ?? 200;
    const waited = now - this.batchStartedAt;
    const delay = Math.max(0, Math.min(debounce, (this.options.maxWaitMs ?? 1000) - waited));
    this.timer = setTimeout(() => void this.flush(), delay);
  }

  /** Sends what is pending; batches go out in order, each once its kinds are known. */
  private flush(): Promise<void> {
    this.timer = undefined;
    this.batchStartedAt = undefined;
    const batch = { pending: this.pending, named: this.named, gone: this.goneFolders };
    this.pending = new Map();
    this.named = new Set();
    this.goneFolders = new Set();
    this.reporting = this.reporting
      .then(() => this.report(batch))
      .catch((error: unknown) => this.fail(error));
    return this.reporting;
  }

  private async report(batch: {
    pending: Map<string, FileChangeKind | undefined>;
    named: Set<string>;
    gone: Set<string>;
  }): Promise<void> {
    // A .gitignore written after these changes may have ignored them meanwhile.
    const kept = (path: string): boolean => !this.ignores?.ignores(path, false);
    const kinds = new Map(batch.pending);
    if (batch.named.size > 0 || batch.gone.size > 0) {
      const named = [...batch.named].filter((path) => kept(path) && !kinds.has(path));
      const found = await changeKinds(this.root, this.base, named, [...batch.gone], this.known);
      for (const [path, kind] of found) if (!kinds.has(path)) kinds.set(path, kind);
    }
    const files = [...kinds].flatMap(([path, kind]) => (kind && kept(path) ? [{ path, kind }] : []));
    if (files.length > 0)
      this.options.onChange({ type: 'agent.files_changed', taskId: this.options.taskId, files });
  }

  private fail(error: unknown): void {
    const code = (error as NodeJS.ErrnoException).code;
    const wrapped =
      code === 'ENOSPC' || code === 'EMFILE'
        ? new WatchLimitError(this.options.root, error)
        : new MaestroError(`watching ${this.options.root} failed: ${String(error)}`, { cause: error });
    this.options.onError?.(wrapped);
  }
}
