import { readFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { MaestroError } from '../errors.js';
import type { FileChangeKind, RunEventBody } from '../orchestrator/events.js';

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

/** Merges a new change into what is pending for a path (add then unlink cancels out). */
function merge(previous: FileChangeKind | undefined, next: FileChangeKind): FileChangeKind | undefined {
  if (previous === 'add' && next === 'unlink') return undefined;
  if (previous === 'add') return 'add';
  if (previous === 'unlink' && next === 'add') return 'change';
  return next;
}

/**
 * Watches one worktree and reports its file changes as `agent.files_changed` bodies, debounced.
 * `.git`, excludePaths and the root .gitignore are never watched, which keeps kernel watches low.
 */
export class WorktreeWatcher {
  private watcher: FSWatcher | undefined;
  private pending = new Map<string, FileChangeKind | undefined>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private firstPendingAt = 0;

  constructor(private readonly options: WorktreeWatcherOptions) {}

  async start(): Promise<void> {
    const { root } = this.options;
    const ignored = await this.ignoreMatcher();
    const watcher = watch(root, { ignoreInitial: true, followSymlinks: false, ignored });
    this.watcher = watcher;
    watcher.on('add', (path) => this.record(path, 'add'));
    watcher.on('change', (path) => this.record(path, 'change'));
    watcher.on('unlink', (path) => this.record(path, 'unlink'));
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

  private async ignoreMatcher(): Promise<(path: string, stats?: Stats) => boolean> {
    const { root } = this.options;
    const rules: Ignore = ignore().add(['.git', '.git/']);
    for (const file of ['.gitignore', join('.git', 'info', 'exclude')]) {
      try {
        rules.add(await readFile(join(root, file), 'utf8'));
      } catch {
        // No such file (a worktree's .git is a file): nothing to add.
      }
    }
    const excluded = picomatch(this.options.excludePaths ?? [], { dot: true });
    return (path, stats) => {
      const rel = relative(root, path).split(sep).join('/');
      if (rel === '' || rel.startsWith('..')) return false;
      // Without stats we do not know a directory yet: test both forms so ignored folders are never entered.
      const asDir = stats === undefined || stats.isDirectory();
      if (excluded(rel) || (asDir && excluded(`${rel}/`))) return true;
      if (asDir && excluded(`${rel}/x`)) return true;
      return rules.ignores(rel) || (asDir && rules.ignores(`${rel}/`));
    };
  }

  private record(path: string, kind: FileChangeKind): void {
    const rel = relative(this.options.root, path).split(sep).join('/');
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
    const files = [...this.pending].flatMap(([path, kind]) => (kind ? [{ path, kind }] : []));
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
