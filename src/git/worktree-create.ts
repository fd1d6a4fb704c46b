import { mkdir, access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { git } from './runner.js';
import { lockReason } from './locks.js';
import { taskBranch } from './refs.js';
import { worktreePath } from './worktree-paths.js';
import { copyIncludedFiles, includePatterns } from './worktree-include.js';
import { linkDependencyDirs, runSetup, type DependencyLink, type SetupOutcome } from './worktree-deps.js';

/**
 * Create task worktrees: `worktree add --no-checkout --lock` (milliseconds, one after another so
 * git's bookkeeping never races), then checkouts in a small pool with parallel checkout workers.
 * Each worktree is reported the moment it is ready; the first agent never waits for the last.
 */
export interface WorktreeOptions {
  /** The repository's toplevel (the user's checkout; only read). */
  repo: string;
  runId: string;
  /** From `worktreeRoot()`. */
  root: string;
  /** Config `worktreeInclude`, added to the repository's `.worktreeinclude`. */
  include?: string[];
  linkDependencies?: DependencyLink[];
  setup?: { command: string; timeoutSeconds: number } | null;
  /** Written into the lock reason; a lock is stale once this pid is dead. */
  pid?: number;
  /** `checkout.workers` per checkout; default: the core count. */
  checkoutWorkers?: number;
  /** Checkouts running at once; default: half the cores, at least one. */
  concurrency?: number;
  signal?: AbortSignal;
}

export interface WorktreeSpec {
  taskId: string;
  /** The commit the task starts from. */
  commit: string;
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

export interface BatchResult {
  ready: ReadyWorktree[];
  failed: { taskId: string; error: unknown }[];
}

export interface BatchCallbacks {
  onReady?: (worktree: ReadyWorktree) => void;
  onFailed?: (taskId: string, error: unknown) => void;
}

export async function createWorktrees(
  specs: WorktreeSpec[],
  options: WorktreeOptions,
  callbacks: BatchCallbacks = {},
): Promise<BatchResult> {
  const started = Date.now();
  const env = await checkoutEnv(options.repo);
  const patterns = await includePatterns(options.repo, options.include ?? []);
  const result: BatchResult = { ready: [], failed: [] };
  const fail = (taskId: string, error: unknown): void => {
    result.failed.push({ taskId, error });
    callbacks.onFailed?.(taskId, error);
  };
  const slots = pool(options.concurrency ?? Math.max(1, Math.floor(availableParallelism() / 2)));
  const finishing: Promise<void>[] = [];
  for (const spec of specs) {
    try {
      const added = await addWorktree(spec, options);
      finishing.push(
        slots(async () => {
          const ready = await finishWorktree(added, spec, options, env, patterns, started);
          result.ready.push(ready);
          callbacks.onReady?.(ready);
        }).catch((error: unknown) => fail(spec.taskId, error)),
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

async function addWorktree(
  spec: WorktreeSpec,
  options: WorktreeOptions,
): Promise<{ branch: string; path: string }> {
  const branch = taskBranch(options.runId, spec.taskId);
  const path = worktreePath(options.root, options.runId, spec.taskId);
  await mkdir(dirname(path), { recursive: true });
  const reason = lockReason(options.pid ?? process.pid, options.runId);
  await git(
    [
      'worktree',
      'add',
      '--quiet',
      '--no-checkout',
      '--lock',
      '--reason',
      reason,
      '-b',
      branch,
      path,
      spec.commit,
    ],
    {
      cwd: options.repo,
    },
  );
  return { branch, path };
}

async function finishWorktree(
  added: { branch: string; path: string },
  spec: WorktreeSpec,
  options: WorktreeOptions,
  env: CheckoutEnv,
  patterns: string[],
  started: number,
): Promise<ReadyWorktree> {
  const { path } = added;
  const workers = options.checkoutWorkers ?? availableParallelism();
  await git([...env.config, '-c', `checkout.workers=${workers}`, 'reset', '--hard', '--quiet'], {
    cwd: path,
    env: env.env,
    signal: options.signal,
  });
  const submodules = await initSubmodules(path, env);
  const copied = await copyIncludedFiles(options.repo, path, patterns);
  const linked = await linkDependencyDirs(options.repo, path, options.linkDependencies ?? []);
  const setup = options.setup ? await runSetup(path, options.setup, options.signal) : null;
  const usesLfs = env.lfsMissing && (await attributesMentionLfs(path));
  return {
    taskId: spec.taskId,
    branch: added.branch,
    path,
    commit: spec.commit,
    ms: Date.now() - started,
    lfs: usesLfs ? 'skipped' : 'none',
    submodules,
    copied,
    linked,
    setup,
  };
}

interface CheckoutEnv {
  lfsMissing: boolean;
  config: string[];
  env: Record<string, string>;
}

/** Without git-lfs, an LFS smudge filter would fail every checkout: skip smudging, keep pointers. */
async function checkoutEnv(repo: string): Promise<CheckoutEnv> {
  const lfs = await git(['lfs', 'version'], { cwd: repo, okExitCodes: [1, 127, 128] }).catch(() => null);
  const lfsMissing = !lfs || lfs.exitCode !== 0;
  if (!lfsMissing) return { lfsMissing, config: [], env: {} };
  return {
    lfsMissing,
    config: ['-c', 'filter.lfs.smudge=cat', '-c', 'filter.lfs.process=', '-c', 'filter.lfs.required=false'],
    env: { GIT_LFS_SKIP_SMUDGE: '1' },
  };
}

async function attributesMentionLfs(worktree: string): Promise<boolean> {
  const result = await git(['grep', '-q', '--no-index', 'filter=lfs', '--', '.gitattributes'], {
    cwd: worktree,
    okExitCodes: [1],
  }).catch(() => null);
  return result?.exitCode === 0;
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
function pool(size: number): <T>(task: () => Promise<T>) => Promise<T> {
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
