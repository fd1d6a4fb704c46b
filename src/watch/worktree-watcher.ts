import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { MaestroError } from '../errors.js';
import type { FileChangeKind, RunEventBody } from '../events.js';
import { ignoreFolder, loadWorktreeIgnores, type WorktreeIgnores } from './ignore-rules.js';

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
const within = (rel: string, folder: string): boolean =>
  !aboveRoot(rel) && (folder === '' || rel === folder || rel.startsWith(`${folder}/`));

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
 */
export class WorktreeWatcher {
  private watcher: FSWatcher | undefined;
  private ignores: WorktreeIgnores | undefined;
  private pending = new Map<string, FileChangeKind | undefined>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private firstPendingAt = 0;

  constructor(private readonly options: WorktreeWatcherOptions) {}

  async start(): Promise<void> {
    const { root } = this.options;
    const ignores = await loadWorktreeIgnores(root, this.options.excludePaths ?? []);
    this.ignores = ignores;
    const watcher = watch(root, {
      ignoreInitial: true,
      followSymlinks: false,
      // Without stats a path may still be a folder: `undefined` makes folder patterns count too.
      ignored: (path, stats) => {
        const rel = this.relative(path);
        return !aboveRoot(rel) && ignores.ignores(rel, stats?.isDirectory());
      },
    });
    this.watcher = watcher;
    watcher.on('add', (path) => this.changed(path, 'add'));
    watcher.on('change', (path) => this.changed(path, 'change'));
    watcher.on('unlink', (path) => this.changed(path, 'unlink'));
    watcher.on('error', (error) => this.fail(error));
    await new Promise<void>((resolve) => watcher.once('ready', resolve));
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
    await this.watcher?.close();
    this.watcher = undefined;
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
    if (rel === '.gitignore' || rel.endsWith('/.gitignore')) this.reloadIgnoreFile(rel);
    this.record(rel, kind);
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
      if (!ignores.ignores(this.relative(dir), true)) continue;
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
    if (this.pending.size === 0) this.firstPendingAt = Date.now();
    this.pending.set(rel, merge(this.pending.get(rel), kind));
    if (this.timer) clearTimeout(this.timer);
    const debounce = this.options.debounceMs ?? 200;
    const waited = Date.now() - this.firstPendingAt;
    const delay = Math.max(0, Math.min(debounce, (this.options.maxWaitMs ?? 1000) - waited));
    this.timer = setTimeout(() => this.flush(), delay);
  }

  private flush(): void {
    this.timer = undefined;
    // A .gitignore written after these changes may have ignored them meanwhile.
    const files = [...this.pending].flatMap(([path, kind]) =>
      kind && !this.ignores?.ignores(path, false) ? [{ path, kind }] : [],
    );
    this.pending = new Map();
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
