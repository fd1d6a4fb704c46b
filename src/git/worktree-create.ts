import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { git } from './runner.js';
import { lockReason } from './locks.js';
import { commonDirOf, withWorktreeAdminLock } from './worktree-admin-lock.js';
import { taskBranch } from './refs.js';
import { worktreePath } from './worktree-paths.js';
import { coneOf, conePathspecs, type Cone } from './worktree-cone.js';
import { copyIncludedFiles, includePatterns } from './worktree-include.js';
import type { Confiner } from '../sandbox/run.js';

import { recordIncludedFiles } from './snapshot-exclude.js';
import { linkDependencyDirs, runSetup, type DependencyLink, type SetupOutcome } from './worktree-deps.js';

export interface WorktreeOptions {
  /** The repository's toplevel (the user's checkout; only read). */
  repo: string;
  runId: string;
  /** From `worktreeRoot()`. */
  root: string;
  /** Config `worktreeInclude`, added to the repository's `.worktreeinclude`. */
  include?: string[];
  linkDependencies?: DependencyLink[];
  /** Config `setup`, run in each new worktree confined by `sandbox` with the scrubbed `env`. */
  setup?: { command: string; timeoutSeconds: number; sandbox: Confiner; env: Record<string, string> } | null;
  /** Written into the lock reason; a lock is stale once this pid is dead. */
  pid?: number;
  /**
   * `checkout.workers` per checkout; default: the cores left to each of the `concurrency`
   * checkouts (one, unless a single worktree is made). A checkout of 5,000 files took 0.31 s of CPU
   * with two workers and 0.23 s with one (0.20 s and 0.24 s wall alone): where checkouts queue up,
   * as for a run's first wave, the cores are better spent on two checkouts than on one with workers.
   */
  checkoutWorkers?: number;
  /** Checkouts running at once; default: the core count. */
  concurrency?: number;
  /**
   * Check a task's cone out first only in repositories with at least this many files (default
   * 5,000): below that a whole checkout takes about as long as a cone does.
   */
  coneMinFiles?: number;
  signal?: AbortSignal;
}

export interface WorktreeSpec {
  taskId: string;
  /** The commit the task starts from. */
  commit: string;
  /** The task's planned files (globs): their folders are checked out first (see `coneOf`). */
  files?: readonly string[];
}

export type SubmoduleState =
  { state: 'none' } | { state: 'initialised' } | { state: 'failed'; message: string };

export interface ReadyWorktree {
  taskId: string;
  branch: string;
  path: string;
  commit: string;
  /** Milliseconds from the start of the batch until this worktree was ready. */
  ms: number;
  /** `skipped`: the repository uses LFS but git-lfs is missing; pointer files were checked out. */
  lfs: 'none' | 'skipped';
  submodules: SubmoduleState;
  /** Ignored files copied per `.worktreeinclude`. */
  copied: string[];
  /** Dependency folders linked; pass them to `snapshotWorktree({exclude})`. */
  linked: string[];
  setup: SetupOutcome | null;
}

/**
 * A worktree git knows (its folder and branch exist) whose files are still being written. Its
 * cone, when it has one, is on disk once `early` resolves; everything is once `ready` does.
 */
export interface PendingWorktree {
  taskId: string;
  branch: string;
  path: string;
  commit: string;
  early: { cone: Cone; checkedOut: Promise<void> } | null;
  ready: Promise<ReadyWorktree>;
}

export interface BatchResult {
  ready: ReadyWorktree[];
  failed: { taskId: string; error: unknown }[];
}

export interface BatchCallbacks {
  /** The task's cone is on disk (only for specs with a cone). */
  onEarly?: (taskId: string, ms: number) => void;
  onReady?: (worktree: ReadyWorktree) => void;
  onFailed?: (taskId: string, error: unknown) => void;
}

/**
 * Makes the worktrees of one run. `add` registers a worktree (`worktree add --no-checkout --lock`,
 * milliseconds) and returns at once; the checkout follows in the background: the task's cone
 * first, one cone at a time so every agent gets its own files quickly, then full checkouts, one
 * per core at a time. Callers run `add`s one after another; across makers and
 * processes each `worktree add` holds the repository's worktree lock (see worktree-admin-lock.ts).
 */
export class WorktreeMaker {
  private readonly env: Promise<CheckoutEnv>;
  private readonly patterns: Promise<string[]>;
  private readonly conesPayOff: Promise<boolean>;
  private readonly commonDir: Promise<string>;
  private readonly fills: <T>(task: () => Promise<T>) => Promise<T>;
  private cones: Promise<unknown> = Promise.resolve();
  /** Open unless a batch of adds runs: checkouts wait, so the adds (which agents wait on) go first. */
  private addsDone: Promise<void> = Promise.resolve();

  constructor(private readonly options: WorktreeOptions) {
    this.env = handled(checkoutEnv(options.repo));
    this.patterns = handled(includePatterns(options.repo, options.include ?? []));
    this.commonDir = handled(commonDirOf(options.repo));
    const minFiles = options.coneMinFiles ?? 5_000;
    this.conesPayOff =
      minFiles <= 0 ? Promise.resolve(true) : fileCount(options.repo).then((n) => n >= minFiles);
    this.fills = pool(fillConcurrency(options));
  }

  /** Run a batch of `add`s with the background checkouts held until the last add is done. */
  async batch<T>(adds: () => Promise<T>): Promise<T> {
    let open!: () => void;
    const previous = this.addsDone;
    this.addsDone = new Promise<void>((resolve) => (open = resolve)).then(() => previous);
    try {
      return await adds();
    } finally {
      open();
    }
  }

  async add(spec: WorktreeSpec): Promise<PendingWorktree> {
    const started = Date.now();
    const added = await addWorktree(spec, this.options, await this.commonDir);
    const cone = spec.files && (await this.conesPayOff) ? coneOf(spec.files) : null;
    const early = cone ? { cone, checkedOut: handled(this.checkoutCone(added.path, cone)) } : null;
    return this.fill({ ...added, taskId: spec.taskId, commit: spec.commit }, early, started);
  }

  /** Finish a worktree whose checkout was cut short (a crash): no agent has written in it yet. */
  resume(worktree: Omit<PendingWorktree, 'early' | 'ready'>): PendingWorktree {
    return this.fill(worktree, null, Date.now());
  }

  private fill(
    worktree: Omit<PendingWorktree, 'early' | 'ready'>,
    early: PendingWorktree['early'],
    started: number,
  ): PendingWorktree {
    const ready = this.fills(async () => {
      await this.addsDone;
      await early?.checkedOut.catch(() => undefined);
      return finishWorktree(worktree, this.options, await this.env, await this.patterns, started);
    });
    return { ...worktree, early, ready: handled(ready) };
  }

  /** Only the cone's files, into the index and onto disk; the fill's `reset --hard` adds the rest. */
  private checkoutCone(path: string, cone: Cone): Promise<void> {
    const run = async (): Promise<void> => {
      await this.addsDone;
      const env = await this.env;
      await git([...env.config, 'checkout', '--quiet', 'HEAD', '--', ...conePathspecs(cone)], {
        cwd: path,
        env: env.env,
        signal: this.options.signal,
      });
    };
    const done = this.cones.then(run);
    this.cones = done.catch(() => undefined);
    return done;
  }
}

/** Create a batch of worktrees; each is reported the moment its cone and then all of it is ready. */
export async function createWorktrees(
  specs: WorktreeSpec[],
  options: WorktreeOptions,
  callbacks: BatchCallbacks = {},
): Promise<BatchResult> {
  const started = Date.now();
  const maker = new WorktreeMaker(options);
  const result: BatchResult = { ready: [], failed: [] };
  const fail = (taskId: string, error: unknown): void => {
    result.failed.push({ taskId, error });
    callbacks.onFailed?.(taskId, error);
  };
  const finishing: Promise<void>[] = [];
  for (const spec of specs) {
    try {
      const pending = await maker.add(spec);
      void pending.early?.checkedOut.then(
        () => callbacks.onEarly?.(spec.taskId, Date.now() - started),
        () => undefined,
      );
      finishing.push(
        pending.ready.then(
          (ready) => {
            result.ready.push(ready);
            callbacks.onReady?.(ready);
          },
          (error: unknown) => fail(spec.taskId, error),
        ),
      );
    } catch (error) {
      fail(spec.taskId, error);
    }
  }
  await Promise.all(finishing);
  return result;
}

/** One worktree, same steps as a batch of one; throws on failure. */
export async function createWorktree(spec: WorktreeSpec, options: WorktreeOptions): Promise<ReadyWorktree> {
  const batch = await createWorktrees([spec], { ...options, concurrency: 1 });
  const ready = batch.ready[0];
  if (!ready) throw batch.failed[0]?.error ?? new Error(`worktree for ${spec.taskId} was not created`);
  return ready;
}

/**
 * Whether a worktree's checkout never finished (a crash): its marker is still there, or it has no
 * index at all. Agents write only once a checkout is finished, so finishing it loses nothing.
 */
export async function checkoutUnfinished(path: string): Promise<boolean> {
  const admin = await adminDir(path);
  const marker = await exists(join(admin, CHECKOUT_MARKER));
  return marker || !(await exists(join(admin, 'index')));
}

/** In the worktree's admin folder while its checkout is under way. */
export const CHECKOUT_MARKER = 'maestro-checkout';

export async function adminDir(path: string): Promise<string> {
  const pointer = await readFile(join(path, '.git'), 'utf8');
  const gitdir = /^gitdir: (.*)$/m.exec(pointer)?.[1];
  if (!gitdir) throw new Error(`${path}/.git does not name the worktree's git folder`);
  return resolve(path, gitdir.trim());
}

async function addWorktree(
  spec: WorktreeSpec,
  options: WorktreeOptions,
  commonDir: string,
): Promise<{ branch: string; path: string }> {
  const branch = taskBranch(options.runId, spec.taskId);
  const path = worktreePath(options.root, options.runId, spec.taskId);
  await mkdir(dirname(path), { recursive: true });
  const reason = lockReason(options.pid ?? process.pid, options.runId);
  const args = ['worktree', 'add', '--quiet', '--no-checkout', '--lock', '--reason', reason];
  await withWorktreeAdminLock(commonDir, () =>
    git([...args, '-b', branch, path, spec.commit], { cwd: options.repo }),
  );
  await writeFile(join(await adminDir(path), CHECKOUT_MARKER), `${process.pid}\n`);
  return { branch, path };
}

async function finishWorktree(
  worktree: Omit<PendingWorktree, 'early' | 'ready'>,
  options: WorktreeOptions,
  env: CheckoutEnv,
  patterns: string[],
  started: number,
): Promise<ReadyWorktree> {
  const { path } = worktree;
  const workers =
    options.checkoutWorkers ?? Math.max(1, Math.floor(availableParallelism() / fillConcurrency(options)));
  // Writes what is missing (all of it, or all but the cone); nothing else has written here yet.
  await git([...env.config, '-c', `checkout.workers=${workers}`, 'reset', '--hard', '--quiet'], {
    cwd: path,
    env: env.env,
    signal: options.signal,
  });
  const submodules = await initSubmodules(path, env);
  const copied = await copyIncludedFiles(options.repo, path, patterns);
  await recordIncludedFiles(path, copied);
  const linked = await linkDependencyDirs(options.repo, path, options.linkDependencies ?? []);
  const setup = options.setup ? await runSetup(path, options.setup, options.signal) : null;
  const usesLfs = env.lfsMissing && (await attributesMentionLfs(path));
  await rm(join(await adminDir(path), CHECKOUT_MARKER), { force: true });
  return {
    taskId: worktree.taskId,
    branch: worktree.branch,
    path,
    commit: worktree.commit,
    ms: Date.now() - started,
    lfs: usesLfs ? 'skipped' : 'none',
    submodules,
    copied,
    linked,
    setup,
  };
}

function fillConcurrency(options: WorktreeOptions): number {
  return Math.max(1, options.concurrency ?? availableParallelism());
}

/** How many files the repository's HEAD has (one listing per run; 0 when it cannot be read). */
async function fileCount(repo: string): Promise<number> {
  const listing = await git(['ls-tree', '-r', '-z', '--name-only', 'HEAD'], { cwd: repo }).catch(() => null);
  if (!listing) return 0;
  let count = 0;
  for (let at = listing.stdout.indexOf('\0'); at !== -1; at = listing.stdout.indexOf('\0', at + 1)) count++;
  return count;
}

/** Marks a promise as handled (its rejection still reaches whoever awaits it). */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export interface CheckoutEnv {
  lfsMissing: boolean;
  config: string[];
  env: Record<string, string>;
}

/** Without git-lfs, an LFS smudge filter would fail every checkout: skip smudging, keep pointers. */
export async function checkoutEnv(repo: string): Promise<CheckoutEnv> {
  const lfs = await git(['lfs', 'version'], { cwd: repo, okExitCodes: [1, 127, 128] }).catch(() => null);
  const lfsMissing = !lfs || lfs.exitCode !== 0;
  if (!lfsMissing) return { lfsMissing, config: [], env: {} };
  return {
    lfsMissing,
    config: ['-c', 'filter.lfs.smudge=cat', '-c', 'filter.lfs.process=', '-c', 'filter.lfs.required=false'],
    env: { GIT_LFS_SKIP_SMUDGE: '1' },
  };
}

/** Whether the top-level `.gitattributes` routes files through LFS (read from disk: no git call). */
async function attributesMentionLfs(worktree: string): Promise<boolean> {
  const attributes = await readFile(join(worktree, '.gitattributes'), 'utf8').catch(() => '');
  return /filter=lfs/.test(attributes);
}

async function initSubmodules(worktree: string, env: CheckoutEnv): Promise<SubmoduleState> {
  const hasModules = await access(join(worktree, '.gitmodules')).then(
    () => true,
    () => false,
  );
  if (!hasModules) return { state: 'none' };
  try {
    await git([...env.config, 'submodule', 'update', '--init', '--recursive', '--quiet'], {
      cwd: worktree,
      env: env.env,
    });
    return { state: 'initialised' };
  } catch (error) {
    return { state: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}

/** A tiny concurrency limiter: at most `size` tasks run at once, in submission order. */
export function pool(size: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
