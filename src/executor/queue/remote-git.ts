import { createHash } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { git, GitError } from '../../git/runner.js';
import { isAncestor, readBranch } from '../../git/plumbing.js';
import { taskBranch } from '../../git/refs.js';
import { MaestroError } from '../../errors.js';
import { remoteRefs } from './protocol.js';

/**
 * The git transport of the queue executor. The orchestrator pushes each task's base and fetches
 * finished task branches; workers fetch bases into a cache clone and push task branches. Only refs
 * under `refs/maestro/<runId>/` are ever written on the remote; task refs move fast-forward only,
 * so no pushed commit is ever lost to a second worker.
 */
const networkMs = 120_000;

/** A remote URL for messages: any `user:password@` part is left out. */
export function displayRemote(remote: string): string {
  return remote.replace(/\/\/[^/@]*@/, '//');
}

export class RemoteError extends MaestroError {}

function remoteFailure(what: string, remote: string, error: unknown): RemoteError {
  const detail =
    error instanceof GitError
      ? (error.stderr
          .trim()
          .split('\n')
          .find((l) => l.trim() !== '') ?? error.message)
      : String(error);
  return new RemoteError(
    `${what} ${displayRemote(remote)} failed: ${detail.replaceAll(remote, displayRemote(remote))}`,
  );
}

/** The orchestrator: a base commit of the run on the remote, under its own name. */
export async function pushBase(repo: string, remote: string, runId: string, commit: string) {
  const ref = remoteRefs.base(runId, commit);
  try {
    await git(['push', '--quiet', '--no-verify', remote, `+${commit}:${ref}`], {
      cwd: repo,
      timeoutMs: networkMs,
    });
  } catch (error) {
    throw remoteFailure(`pushing base ${commit.slice(0, 12)} to`, remote, error);
  }
}

/** Done refs of a task on the remote, newest attempt first. */
export async function doneRefs(cwd: string, remote: string, runId: string, taskId: string) {
  const found = await lsRemote(cwd, remote, [`refs/maestro/${runId}/done/*`]);
  const mine: { attempt: number; head: string }[] = [];
  for (const [ref, head] of found) {
    const match = /\/done\/(\d+)\/(.+)$/.exec(ref);
    if (match?.[2] === taskId) mine.push({ attempt: Number(match[1]), head });
  }
  return mine.sort((a, b) => b.attempt - a.attempt);
}

/** Remote refs by name (only those that exist). */
export async function lsRemote(cwd: string, remote: string, refs: string[]): Promise<Map<string, string>> {
  const { stdout } = await git(['ls-remote', remote, ...refs], { cwd, timeoutMs: networkMs });
  const found = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (sha && ref) found.set(ref, sha);
  }
  return found;
}

/** The orchestrator: bring finished tasks' branches home as `maestro/<runId>/tasks/<taskId>`, in one fetch. */
export async function fetchTasks(
  repo: string,
  remote: string,
  runId: string,
  tasks: readonly { taskId: string; head: string }[],
): Promise<void> {
  if (tasks.length === 0) return;
  const specs = tasks.map(
    ({ taskId }) => `+${remoteRefs.task(runId, taskId)}:refs/heads/${taskBranch(runId, taskId)}`,
  );
  const names = tasks.map((t) => t.taskId).join(', ');
  try {
    // One fetch per finished batch of a run: the user's repository is not maintained (a spawned
    // `git maintenance run --auto`) every time; the user's own git commands do that (git >= 2.29).
    await git(['fetch', '--quiet', '--no-tags', '--no-auto-maintenance', remote, ...specs], {
      cwd: repo,
      timeoutMs: networkMs,
    });
  } catch (error) {
    throw remoteFailure(`fetching the branch of task ${names} from`, remote, error);
  }
  const { stdout } = await git(['cat-file', '--batch-check=%(objecttype)'], {
    cwd: repo,
    input: tasks.map((t) => `${t.head}\n`).join(''),
  });
  const types = stdout.split('\n');
  const missing = tasks.filter((_, i) => types[i] !== 'commit');
  if (missing.length > 0)
    throw new RemoteError(
      `the remote's branch of task ${missing.map((t) => t.taskId).join(', ')} does not contain its reported head ${missing.map((t) => t.head).join(', ')}`,
    );
}

/**
 * The orchestrator's fetches of task branches: the ones asked for while a fetch runs come home
 * together in the next one. When a shared fetch fails, each task is fetched alone, so one bad
 * branch fails only its own task. A commit a worker reports (pushed before it is reported) is
 * fetched at once, while the worker still checks and validates it: its task's end then usually
 * finds it home.
 */
export class TaskFetcher {
  private waiting: { taskId: string; head: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private running: Promise<void> | undefined;
  /** Per task, its last reported commit and whether fetching it worked. */
  private readonly early = new Map<string, { head: string; fetched: Promise<boolean> }>();

  constructor(
    private readonly repo: string,
    private readonly remote: string,
    private readonly runId: string,
  ) {}

  /** A commit the task's worker pushed: fetched now, in the background. */
  prefetch(taskId: string, head: string): void {
    const fetched = this.fetch(taskId, head).then(
      () => true,
      () => false,
    );
    this.early.set(taskId, { head, fetched });
  }

  /** The task's finished branch, home with `head` (fetched now unless a prefetch brought it). */
  async collect(taskId: string, head: string): Promise<void> {
    const early = this.early.get(taskId);
    this.early.delete(taskId);
    // Remote task refs move fast-forward only, so a fetch that found `head` left the branch on it.
    if (early?.head === head && (await early.fetched)) return;
    await this.fetch(taskId, head);
  }

  /** The task ended without work to collect. */
  forget(taskId: string): void {
    this.early.delete(taskId);
  }

  private fetch(taskId: string, head: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ taskId, head, resolve, reject });
      this.running ??= this.drain().finally(() => (this.running = undefined));
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0);
      try {
        await fetchTasks(this.repo, this.remote, this.runId, batch);
        for (const one of batch) one.resolve();
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error);
        else
          for (const one of batch)
            await fetchTasks(this.repo, this.remote, this.runId, [one]).then(one.resolve, one.reject);
      }
    }
  }
}

/** A worker: can the remote be read at all? One clear line when not. */
export async function checkRemote(cwd: string, remote: string): Promise<void> {
  try {
    await git(['ls-remote', '--quiet', remote, 'HEAD'], { cwd, timeoutMs: 30_000 });
  } catch (error) {
    throw remoteFailure('reading the git remote', remote, error);
  }
}

/** A worker's cache clone of `remote` under its data folder (created once, reused by every job). */
export async function cacheClone(dataDir: string, remote: string): Promise<string> {
  const key = createHash('sha256').update(remote).digest('hex').slice(0, 16);
  const path = join(dataDir, 'repos', key);
  const exists = await access(join(path, '.git')).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await mkdir(path, { recursive: true });
    await git(['init', '--quiet', path], { cwd: dataDir });
  }
  return path;
}

/** A worker: the task's base commit in its cache clone, fetched only when it is not there yet. */
export async function fetchBase(cache: string, remote: string, runId: string, commit: string): Promise<void> {
  if (await hasCommit(cache, commit)) return;
  const ref = remoteRefs.base(runId, commit);
  try {
    await git(['fetch', '--quiet', '--no-tags', remote, `+${ref}:${ref}`], {
      cwd: cache,
      timeoutMs: networkMs,
    });
  } catch (error) {
    throw remoteFailure(`fetching base ${commit.slice(0, 12)} from`, remote, error);
  }
}

async function hasCommit(cwd: string, commit: string): Promise<boolean> {
  return (await git(['cat-file', '-e', `${commit}^{commit}`], { cwd, okExitCodes: [1, 128] })).exitCode === 0;
}

/**
 * A worker, before a task whose base is here (`fetchBase`): its branch, when an earlier attempt
 * pushed one. The local branch follows the remote unless it is ahead of it (this worker's unpushed
 * commits); a worktree left on an older head is removed so the task starts from what the remote holds.
 */
export async function prepareTaskRefs(
  cache: string,
  remote: string,
  job: { runId: string; taskId: string; firstAttempt: boolean },
  worktreeOf: (taskId: string) => string,
): Promise<{ resumedFrom: string | null }> {
  const { runId, taskId } = job;
  const taskRef = remoteRefs.task(runId, taskId);
  // A first attempt has no branch on the remote yet: nothing to ask the remote.
  if (job.firstAttempt) return { resumedFrom: null };
  let remoteHead: string | null;
  try {
    remoteHead = (await lsRemote(cache, remote, [taskRef])).get(taskRef) ?? null;
  } catch (error) {
    throw remoteFailure('reading the git remote', remote, error);
  }
  if (!remoteHead) return { resumedFrom: null };
  try {
    await git(['fetch', '--quiet', '--no-tags', remote, `+${taskRef}:${taskRef}`], {
      cwd: cache,
      timeoutMs: networkMs,
    });
  } catch (error) {
    throw remoteFailure(`fetching the branch of task ${taskId} from`, remote, error);
  }
  const branch = taskBranch(runId, taskId);
  const local = await readBranch(cache, branch);
  if (local === remoteHead || (local && (await isAncestor(cache, remoteHead, local))))
    return { resumedFrom: remoteHead };
  if (local) {
    const path = worktreeOf(taskId);
    await git(['worktree', 'remove', '--force', '--force', path], { cwd: cache, okExitCodes: [128] });
    await git(['worktree', 'prune'], { cwd: cache });
  }
  await git(['update-ref', `refs/heads/${branch}`, remoteHead], { cwd: cache });
  return { resumedFrom: remoteHead };
}

/** A worker: push the task branch (fast-forward only) and, when the work is ready, its done ref. */
export async function pushTask(
  cache: string,
  remote: string,
  job: { runId: string; taskId: string },
  head: string,
  doneAttempt?: number,
): Promise<void> {
  const refspecs = [`${head}:${remoteRefs.task(job.runId, job.taskId)}`];
  if (doneAttempt !== undefined)
    refspecs.push(`+${head}:${remoteRefs.done(job.runId, job.taskId, doneAttempt)}`);
  try {
    await git(['push', '--quiet', '--no-verify', '--atomic', remote, ...refspecs], {
      cwd: cache,
      timeoutMs: networkMs,
    });
  } catch (error) {
    throw remoteFailure(`git push of task ${job.taskId} to`, remote, error);
  }
}

/**
 * `maestro clean`: the run's refs on the remote whose tasks were cleaned here (their task and done
 * refs), and its bases once no task of the run is left; `all` (`--discard`) deletes every one.
 * Refs of a task kept here, or never brought here, stay: its work may still be resumed from them.
 * Only names under `refs/maestro/<runId>/` are ever deleted.
 */
export async function deleteRunRefs(
  repo: string,
  remote: string,
  runId: string,
  cleaned: ReadonlySet<string> | 'all',
  anyLeft: boolean,
): Promise<number> {
  const prefix = `refs/maestro/${runId}/`;
  let found: Map<string, string>;
  try {
    found = await lsRemote(repo, remote, [`${prefix}*`]);
  } catch (error) {
    throw remoteFailure(`listing the refs of run ${runId} on`, remote, error);
  }
  const doomed = [...found.keys()].filter((ref) => {
    if (!ref.startsWith(prefix)) return false;
    if (cleaned === 'all') return true;
    const rest = ref.slice(prefix.length);
    if (rest.startsWith('bases/')) return !anyLeft;
    const task = /^tasks\/(.+)$/.exec(rest)?.[1] ?? /^done\/\d+\/(.+)$/.exec(rest)?.[1];
    return task !== undefined && cleaned.has(task);
  });
  // A few hundred deletions per push keep the command line short.
  for (let at = 0; at < doomed.length; at += 200) {
    const specs = doomed.slice(at, at + 200).map((ref) => `:${ref}`);
    try {
      await git(['push', '--quiet', '--no-verify', remote, ...specs], { cwd: repo, timeoutMs: networkMs });
    } catch (error) {
      throw remoteFailure(`deleting the refs of run ${runId} on`, remote, error);
    }
  }
  return doomed.length;
}
