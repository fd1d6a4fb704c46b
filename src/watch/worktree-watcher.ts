import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { MaestroError } from '../errors.js';
import type { FileChangeKind, RunEventBody } from '../events.js';
import { changeKinds, checkedOut, within as inside } from './change-kinds.js';
import { ignoreFolder, loadWorktreeIgnores, type WorktreeIgnores } from './ignore-rules.js';
import type { WalkGate } from './walk-gate.js';

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
 * The first walk gives chokidar the folders only. Kept per file, it lstats, joins, matches and
 * records each of a checkout's thousands of files, which for 20 worktrees grew the heap to 470 MB
 * (bench/watch). A file's change is reported on its folder's watch anyway (inotify watches are per
 * folder): chokidar's `raw` event names it, and the batch's kind comes from whether the file is
 * there now and was before (change-kinds.ts). Folders made after the first walk are chokidar's
 * entirely, files included, so nothing created in them before their watch exists is missed.
 *
 * What this relies on in chokidar 6.0.0 (node_modules/chokidar, read for this): `ignored(path,
 * stats)` is asked for every entry of a folder it lists (readdirp with `alwaysStat`, so `stats`
 * is there) and a file it ignores is never tracked or reported; `raw` is emitted for every native
 * callback of a folder's watch, before any filtering, as `(rawEvent, name, { watchedPath })` with
 * `name` relative to `watchedPath` (a folder here; the root on the recursive macOS/Windows backend);
 * `unlinkDir` is emitted for a watched folder that is gone.
 */
export class WorktreeWatcher {
  private watcher: FSWatcher | undefined;
  private ignores: WorktreeIgnores | undefined;
  private pending = new Map<string, FileChangeKind | undefined>();
  /** Names the kernel reported in first-walk folders, and first-walk folders gone, since the last batch. */
  private named = new Set<string>();
  private goneFolders = new Set<string>();
  /** The folders of the first walk ('' = the root): their files are followed through `raw` events. */
  private readonly walked = new Set<string>(['']);
  /** Whether each named file was there after the batch that last reported it. */
  private readonly known = new Map<string, boolean>();
  /** The commit checked out when watching began: what the first-walk folders held. */
  private base: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private batchStartedAt: number | undefined;
  private reporting: Promise<void> = Promise.resolve();
  private ready = false;
  private closing = false;
  /** Ends a walk in progress when the watcher is closed: chokidar closed before 'ready' never gets there. */
  private endWalk: (() => void) | undefined;

  constructor(private readonly options: WorktreeWatcherOptions) {}

  /** Resolves once the worktree is watched (or the watcher was closed meanwhile). */
  async start(): Promise<void> {
    const { walks } = this.options;
    await (walks ? walks.run(() => this.walk()) : this.walk());
  }

  private async walk(): Promise<void> {
    const { root } = this.options;
    if (this.closing) return;
    const [ignores, base] = await Promise.all([
      loadWorktreeIgnores(root, this.options.excludePaths ?? []),
      checkedOut(root),
    ]);
    if (this.closing) return;
    this.ignores = ignores;
    this.base = base;
    const watcher = watch(root, {
      ignoreInitial: true,
      followSymlinks: false,
      // The first walk's files are skipped before any path work: a checkout has thousands.
      ignored: (path, stats) => (!this.ready && stats?.isFile()) || this.skips(this.relative(path), stats),
    });
    this.watcher = watcher;
    watcher.on('add', (path) => this.changed(path, 'add'));
    watcher.on('change', (path) => this.changed(path, 'change'));
    watcher.on('unlink', (path) => this.changed(path, 'unlink'));
    watcher.on('unlinkDir', (path) => this.folderGone(this.relative(path)));
    watcher.on('raw', (_event, name, details) => this.kernelNamed(name, details));
    watcher.on('error', (error) => this.fail(error));
    await new Promise<void>((resolve) => {
      this.endWalk = resolve;
      watcher.once('ready', resolve);
    });
    this.endWalk = undefined;
    this.ready = true;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.endWalk?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    await this.watcher?.close();
    this.watcher = undefined;
  }

  /**
   * chokidar's `ignored`. Without stats a path may still be a folder: `undefined` makes folder
   * patterns count too. A file of a first-walk folder is never chokidar's (see the class comment).
   */
  private skips(rel: string, stats: { isDirectory(): boolean } | undefined): boolean {
    if (aboveRoot(rel)) return false;
    const folder = stats?.isDirectory();
    if (folder === false && (!this.ready || this.walked.has(ignoreFolder(rel)))) return true;
    if (this.ignores?.ignores(rel, folder)) return true;
    if (folder && !this.ready) this.walked.add(rel);
    return false;
  }

  /** Called for every path chokidar meets (its `ignored` test): a slice, not `path.relative`, in the common case. */
  private relative(path: string): string {
    const { root } = this.options;
    if (path.startsWith(root) && (path.length === root.length || path[root.length] === sep)) {
      const rel = path.slice(root.length + 1);
      return sep === '/' ? rel : rel.split(sep).join('/');
    }
    return relative(root, path).split(sep).join('/');
  }

  private changed(path: string, kind: FileChangeKind): void {
    const rel = this.relative(path);
    if (isGitignore(rel)) this.reloadIgnoreFile(rel);
    this.record(rel, kind);
  }

  /** A `raw` event: something happened to `name` in a watched folder. */
  private kernelNamed(name: string | null, details: unknown): void {
    const folder = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    // Before 'ready' nothing is reported (the first walk is no change); a folder's own event names nothing.
    if (!this.ready || this.closing || name === null || typeof folder !== 'string') return;
    const rel = this.relative(join(folder, name));
    if (rel === '' || aboveRoot(rel) || !this.walked.has(ignoreFolder(rel))) return;
    if (isGitignore(rel)) this.reloadIgnoreFile(rel);
    this.named.add(rel);
    this.schedule();
  }

  /** A first-walk folder was removed or moved away: its files went with it. */
  private folderGone(rel: string): void {
    if (!this.walked.has(rel)) return;
    for (const folder of this.walked) if (within(folder, rel)) this.walked.delete(folder);
    this.goneFolders.add(rel);
    this.schedule();
  }

  /** Re-reads one .gitignore (synchronously: it is small, and later events must see its rules). */
  private reloadIgnoreFile(rel: string): void {
    let text: string | undefined;
    try {
      text = readFileSync(join(this.options.root, rel), 'utf8');
    } catch {
      text = undefined;
    }
    const folder = ignoreFolder(rel);
    if (this.ignores?.setFile(folder, text)) this.rewatch(folder);
  }

  /** After the rules of `folder` changed: stop watching what they now ignore, watch what they now let in. */
  private rewatch(folder: string): void {
    const { watcher, ignores } = this;
    if (!watcher || !ignores) return;
    const watched = Object.keys(watcher.getWatched())
      .filter((dir) => within(this.relative(dir), folder))
      .sort();
    const dropped: string[] = [];
    for (const dir of watched) {
      if (dropped.some((top) => dir.startsWith(top + sep))) continue;
      const rel = this.relative(dir);
      if (!ignores.ignores(rel, true)) continue;
      // Ignored now, not gone: forgotten first, so its files are not reported removed.
      for (const walked of this.walked) if (within(walked, rel)) this.walked.delete(walked);
      watcher.unwatch(dir);
      dropped.push(dir);
    }
    const kept = new Set(
      watched.filter((dir) => !dropped.some((top) => dir === top || dir.startsWith(top + sep))),
    );
    void Promise.all(
      [...kept].map(async (dir) => {
        const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
        for (const entry of entries) {
          const child = join(dir, entry.name);
          if (!entry.isDirectory() || kept.has(child) || ignores.ignores(this.relative(child), true))
            continue;
          // `add` skips a folder already watched; a closing watcher takes nothing new.
          if (!watcher.closed) watcher.add(child);
        }
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
      const found = await changeKinds(this.options.root, this.base, named, [...batch.gone], this.known);
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
