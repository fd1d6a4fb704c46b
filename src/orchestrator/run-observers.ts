import { stat } from 'node:fs/promises';
import type { FileChangeKind, RunEvent, RunEventBody, TaskState } from '../events.js';
import type { Journal } from './journal.js';
import { foldRun, reduceRun, type RunState } from './run-state.js';
import { ConflictRadar, type RadarTask } from './conflict-radar.js';
import { defaultConfig } from '../config/schema.js';
import {
  WatchLimitError,
  WorktreeWatcher,
  type FilesChanged,
  type WorktreeWatcherOptions,
} from '../watch/worktree-watcher.js';
import { WalkGate } from '../watch/walk-gate.js';
import { isToolName, reportsItsWrites } from '../agent/tools/schemas.js';
import { MaestroError } from '../errors.js';

export interface RunObserverOptions {
  /** Globs the watcher skips (config `excludePaths`); defaults to the config default. */
  excludePaths?: string[];
  watchDebounceMs?: number;
  watchMaxWaitMs?: number;
  /** The conflict radar checks at most once per interval (default 2 s). */
  radarIntervalMs?: number;
  /** Builds a task's watcher (default: the chokidar `WorktreeWatcher`). */
  createWatcher?: (options: WorktreeWatcherOptions) => TaskWatcher;
  /**
   * Every task's agent is the built-in one, whose file tools report their writes: a task's
   * worktree is watched only from its agent's first call of a tool that may write unreported
   * (`reportsItsWrites`). Otherwise every task is watched from its worktree's `task.worktree_ready`.
   */
  builtinAgents?: boolean;
}

export interface TaskWatcher {
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface RunObservers {
  /** Closes every watcher and the radar; nothing is journaled once it resolves. */
  close(): Promise<void>;
}

/**
 * States in which a task's agent may still change its worktree. A `merging` task's work is all in
 * its commits, and its worktree may be another task's already (WorktreePool's lending).
 */
const live: ReadonlySet<TaskState> = new Set(['starting', 'running', 'paused', 'validating']);
// The agent's own report of a write is trusted; the watcher's echo of it within this window is dropped.
const echoWindowMs = 10_000;
const echoGraceMs = 300;

/**
 * The run's live observers, fed by the journal: one worktree watcher per running task (its
 * `agent.files_changed` events, marked `source: 'watcher'`) and the conflict radar (`radar.overlaps`).
 * Everything they learn goes into the journal, so the in-process TUI and `maestro tui <runId>` see it.
 */
export function startRunObservers(
  journal: Journal,
  repo: string,
  options: RunObserverOptions = {},
): RunObservers {
  let state: RunState = foldRun(journal.runId, journal.history());
  let closed = false;
  let limitReported = false;
  const watchers = new Map<string, { worktree: string; watcher: TaskWatcher; stopped: boolean }>();
  // The watchers' first walks take turns: many at once grow the heap far more than one at a time.
  const walks = new WalkGate();
  // Per task: paths the agent itself reported (builtin write/edit tools), so the watcher does not repeat them.
  const reported = new Map<string, Map<string, { kind: FileChangeKind; at: number }>>();
  const append = (body: RunEventBody): Promise<void> =>
    closed
      ? Promise.resolve()
      : journal.append(body).then(
          () => undefined,
          () => undefined,
        );

  const running = (): RadarTask[] =>
    state.order.flatMap((id) => {
      const task = state.tasks[id];
      // A task on a queue worker has its worktree on that machine: nothing here to look at.
      return task && live.has(task.state) && task.worktree && !task.worker
        ? [{ id, worktree: task.worktree }]
        : [];
    });
  const radar = new ConflictRadar({
    repo,
    running,
    publish: (pairs) => append({ type: 'radar.overlaps', pairs }),
    intervalMs: options.radarIntervalMs,
    initial: lastRadar(journal.history()),
  });
  // A resumed run's tasks changed files before: the radar knows them from the journal.
  for (const event of journal.history()) {
    if (event.type === 'agent.files_changed') radar.changed(event.taskId, paths(event.files));
  }

  const emitWatched = (taskId: string, body: FilesChanged): void => {
    const own = reported.get(taskId);
    const now = Date.now();
    const files = body.files.filter((file) => {
      const seen = own?.get(file.path);
      if (!seen || seen.kind !== file.kind || now - seen.at > echoWindowMs) return true;
      own?.delete(file.path);
      return false;
    });
    if (files.length > 0) void append({ ...body, files, source: 'watcher' });
  };
  // A watcher batch waits a moment, so the agent's own report of the same write (on its way through
  // the journal) is seen first and the batch does not repeat it.
  const held = new Set<{ timer: ReturnType<typeof setTimeout>; release: () => void }>();
  const fromWatcher = (taskId: string, body: FilesChanged): void => {
    radar.changed(taskId, paths(body.files));
    const entry = {
      timer: setTimeout(() => entry.release(), echoGraceMs),
      release: () => {
        clearTimeout(entry.timer);
        if (held.delete(entry)) emitWatched(taskId, body);
      },
    };
    entry.timer.unref();
    held.add(entry);
  };

  const onError = (taskId: string, error: MaestroError): void => {
    void stopWatching(taskId);
    // A full watch table is the machine's setting: say it once, and the task goes on unwatched.
    if (error instanceof WatchLimitError) {
      if (limitReported) return;
      limitReported = true;
    }
    void append({ type: 'log', level: 'warn', message: error.message });
  };

  const watch = (taskId: string, worktree: string): void => {
    const current = watchers.get(taskId);
    if (current?.worktree === worktree) return;
    if (current) void stopWatching(taskId);
    reported.delete(taskId);
    // Errors of a watcher already stopped or replaced are nobody's concern.
    const report = (error: MaestroError): void => {
      if (watchers.get(taskId)?.watcher === watcher) onError(taskId, error);
    };
    const watcherOptions: WorktreeWatcherOptions = {
      taskId,
      root: worktree,
      excludePaths: options.excludePaths ?? defaultConfig().excludePaths,
      debounceMs: options.watchDebounceMs,
      maxWaitMs: options.watchMaxWaitMs,
      walks,
      onChange: (body) => fromWatcher(taskId, body),
      onError: (error) => report(error),
    };
    const watcher = (options.createWatcher ?? ((o) => new WorktreeWatcher(o)))(watcherOptions);
    const entry = { worktree, watcher, stopped: false };
    watchers.set(taskId, entry);
    void (async () => {
      // A worktree that is not there (yet or any more) is not watched; the task is not ours to fail.
      if (
        !(await stat(worktree).then(
          (s) => s.isDirectory(),
          () => false,
        )) ||
        entry.stopped
      )
        return;
      await watcher.start();
      // Stopped while starting: the close may have come before chokidar existed.
      if (entry.stopped) return void (await watcher.close());
      // Writes before the watcher was ready went unseen: let the radar look once, if the agent acted.
      if (acted.has(taskId)) radar.changed(taskId);
    })().catch((error: unknown) => report(watchError(worktree, error)));
  };

  const stopWatching = async (taskId: string): Promise<void> => {
    const entry = watchers.get(taskId);
    if (!entry) return;
    watchers.delete(taskId);
    entry.stopped = true;
    // Not awaiting a start in progress: chokidar closed before 'ready' never gets there.
    await entry.watcher.close().catch(() => undefined);
  };

  // Tasks in a live state, so the one event that ends one (merged, failed, stopped...) is noticed.
  const liveTasks = new Set<string>();
  // Tasks whose agent has called a tool: only those can differ from their base.
  const acted = new Set<string>();
  // Ready worktrees of built-in agents that have written nothing unreported yet: watched from then on.
  const unwatched = new Map<string, string>();
  // Tasks whose agent called a tool that may write unreported (its call can come before the worktree is ready).
  const unreported = new Set<string>();
  const onEvent = (event: RunEvent): void => {
    state = reduceRun(state, event);
    if (closed) return;
    if (event.type === 'task.worktree_ready') {
      // Not before: the checkout would arrive as thousands of changes. A fresh worktree equals its
      // base, so there is nothing for the radar until the agent acts.
      // A queue worker's task has its worktree on that machine.
      const here = !state.tasks[event.taskId]?.worker;
      if (here && options.builtinAgents && !unreported.has(event.taskId))
        unwatched.set(event.taskId, event.worktree);
      else if (here) watch(event.taskId, event.worktree);
    } else if (event.type === 'agent.tool_call') {
      acted.add(event.taskId);
      if (!(isToolName(event.name) && reportsItsWrites[event.name])) {
        unreported.add(event.taskId);
        const worktree = unwatched.get(event.taskId);
        unwatched.delete(event.taskId);
        if (worktree !== undefined) watch(event.taskId, worktree);
      }
    } else if (event.type === 'agent.files_changed') {
      if (event.source !== 'watcher') remember(reported, event.taskId, event.files);
      radar.changed(event.taskId, paths(event.files));
    }
    const taskId = 'taskId' in event ? event.taskId : undefined;
    if (taskId === undefined) return;
    if (live.has(state.tasks[taskId]?.state ?? 'pending')) liveTasks.add(taskId);
    else if (liveTasks.delete(taskId)) {
      unwatched.delete(taskId);
      unreported.delete(taskId);
      void stopWatching(taskId);
      radar.left(taskId);
    }
  };
  const unsubscribe = journal.subscribe(onEvent);

  return {
    close: async () => {
      unsubscribe();
      await radar.close();
      await Promise.all([...watchers.keys()].map((taskId) => stopWatching(taskId)));
      for (const entry of held) entry.release();
      closed = true;
    },
  };
}

const paths = (files: readonly { path: string }[]): string[] => files.map((file) => file.path);

function remember(
  reported: Map<string, Map<string, { kind: FileChangeKind; at: number }>>,
  taskId: string,
  files: { path: string; kind: FileChangeKind }[],
): void {
  const own = reported.get(taskId) ?? new Map<string, { kind: FileChangeKind; at: number }>();
  reported.set(taskId, own);
  for (const file of files) own.set(file.path, { kind: file.kind, at: Date.now() });
}

/** The radar pairs a previous process of this run last journaled, if the run did not finish since. */
function lastRadar(events: readonly RunEvent[]): { a: string; b: string; files: string[] }[] {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event?.type === 'run.finished') return [];
    if (event?.type === 'radar.overlaps') return event.pairs;
  }
  return [];
}

function watchError(root: string, error: unknown): MaestroError {
  if (error instanceof MaestroError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EMFILE') return new WatchLimitError(root, error);
  return new MaestroError(`watching ${root} failed: ${String(error)}`, { cause: error });
}
