import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { RunEvent, RunEventBody } from '../../events.js';
import { initialRunState, reduceRun, type RunState } from '../../orchestrator/run-state.js';
import type { TaskContext } from '../../orchestrator/scheduler.js';
import { agentLlmFor } from '../../orchestrator/agent-llm.js';
import { createLlm, type Llm, type ProviderChoice } from '../../llm/index.js';
import { keyVariables } from '../../llm/resolve.js';
import { createRedactor, redactDeep } from '../../util/redact.js';
import { git } from '../../git/runner.js';
import { taskBranch } from '../../git/refs.js';
import { worktreePath } from '../../git/worktree-paths.js';
import { SharedMemory } from '../../agent/index.js';
import type { PauseGate } from '../../orchestrator/pause-gate.js';
import { checksAfterCommit, createTaskWork } from '../task-work.js';
import type { Confiner } from '../../sandbox/run.js';
import type { TaskWorkDeps } from '../types.js';
import { protocolVersion, runKeys, type JobResult, type TaskJob } from './protocol.js';
import { cacheClone, fetchBase, pushTask, prepareTaskRefs } from './remote-git.js';
import type { WorkerRuns } from './worker-runs.js';
import { detachHead } from '../../git/task-head.js';

/** What one `maestro worker` shares between its jobs. */
export interface WorkerScope {
  name: string;
  dataDir: string;
  /** The worker's own name for the remote (`--remote`); else each job's. */
  remote?: string;
  redis: Redis;
  env: NodeJS.ProcessEnv;
  /**
   * Task keys (`runId/taskId`) running here, until their job's last step in the background is
   * done: a second job of one task waits, never shares a worktree.
   */
  running: Map<string, Promise<unknown>>;
  /** Steps of finished jobs still under way (the done ref's push): a stopping worker waits for them. */
  settling: Set<Promise<void>>;
  /** Base fetches under way or done, by cache clone and commit. */
  baseFetches: Map<string, Promise<void>>;
  /** The runs with jobs here: their sandbox and recycled worktrees. */
  runs: WorkerRuns;
  llms: Map<string, Llm>;
}

export interface JobHandle {
  id: string;
  data: TaskJob;
  /** Times a worker began this job (BullMQ's `attemptsStarted`, 1 the first time). */
  started: number;
  signal: AbortSignal;
  pause: PauseGate;
  /** False once the job's lock is lost: another worker may have it, so no outcome is reported. */
  owned: () => boolean;
}

/**
 * One job on a worker: the task's base (and any branch an earlier attempt pushed) from the remote,
 * then the same work as a local run, every snapshot commit pushed as it is made, the events
 * streamed to the orchestrator. Throws (so BullMQ retries elsewhere) when git transport fails.
 */
export async function processTaskJob(scope: WorkerScope, job: JobHandle): Promise<JobResult> {
  const data = job.data;
  if (data.v !== protocolVersion)
    throw new Error(`job ${job.id} speaks protocol ${String(data.v)}; this worker speaks ${protocolVersion}`);
  const key = `${data.runId}/${data.task.id}`;
  // One task never runs twice at once here: a retried job waits for the attempt still settling.
  while (scope.running.has(key)) await scope.running.get(key)?.catch(() => undefined);
  const run = runJob(scope, job);
  // The job is over for BullMQ (its slot takes the next one) once `end` is out; the task stays
  // running here until its last step, in the background, is done.
  const settled = run.then(({ settling }) => settling).catch(() => undefined);
  scope.running.set(key, settled);
  scope.settling.add(settled);
  void settled.finally(() => {
    scope.settling.delete(settled);
    if (scope.running.get(key) === settled) scope.running.delete(key);
  });
  return (await run).result;
}

/** A job's outcome, and its steps still under way after it (resolving, never rejecting). */
interface JobRun {
  result: JobResult;
  settling: Promise<void>;
}

async function runJob(scope: WorkerScope, job: JobHandle): Promise<JobRun> {
  const data = job.data;
  const taskId = data.task.id;
  const remote = scope.remote ?? data.remote;
  const attempt = data.attempt + job.started - 1;
  const redact = createRedactor(scope.env, keyVariables(data.config));
  const publish = (kind: 'event' | 'end', body: unknown): Promise<unknown> =>
    scope.redis.xadd(
      runKeys.events(data.runId),
      '*',
      'job',
      job.id,
      'kind',
      kind,
      'body',
      JSON.stringify(redactDeep(body, redact)),
    );
  // Entries leave in order: ioredis sends commands in order, and once an entry waits for a push (a
  // task.committed), the ones after it queue behind it. A failed push fails every later send, so
  // the job fails (and is retried) as if the push had failed in place.
  let behind: Promise<unknown> | undefined;
  const send = (kind: 'event' | 'end', body: unknown, first?: () => Promise<void>): Promise<unknown> => {
    if (!behind && !first) return publish(kind, body);
    const out = (behind ?? Promise.resolve()).then(async () => {
      await first?.();
      return publish(kind, body);
    });
    behind = out;
    out.then(
      () => behind === out && (behind = undefined),
      () => undefined,
    );
    return out;
  };
  const nothingLeft = Promise.resolve();
  if (job.started > 1) {
    await send('event', {
      type: 'log',
      level: 'warn',
      message: `task ${taskId}: attempt ${attempt} on worker ${scope.name} (job ${job.id} started ${job.started} times; an earlier worker failed or stopped answering)`,
    });
  }
  if ((await scope.redis.exists(runKeys.stop(data.runId, job.id))) === 1) {
    const stopped: JobResult = {
      kind: 'stopped',
      reason: 'stopped before a worker started it',
      worker: scope.name,
    };
    await send('end', stopped);
    return { result: stopped, settling: nothingLeft };
  }
  const cache = await cacheClone(scope.dataDir, remote);
  const worktreeRoot = join(scope.dataDir, 'worktrees');
  const firstAttempt = data.attempt === 1 && job.started === 1 && data.requeued !== true;
  // Jobs of one run arriving together share one fetch of their base; later ones find it here.
  const refs = (async () => {
    await once(scope.baseFetches, `${cache}\0${data.baseCommit}`, () =>
      fetchBase(cache, remote, data.runId, data.baseCommit),
    );
    return prepareTaskRefs(cache, remote, { runId: data.runId, taskId, firstAttempt }, (id) =>
      worktreePath(worktreeRoot, data.runId, id),
    );
  })();
  // The run's sandbox and worktree pool (made by its first job here) meanwhile.
  const entered = scope.runs.enter({ runId: data.runId, cache, worktreeRoot, config: data.config });
  const [fetched, joined] = await Promise.allSettled([refs, entered]);
  if (joined.status === 'fulfilled' && fetched.status === 'rejected') joined.value.done();
  if (fetched.status === 'rejected') throw fetched.reason;
  if (joined.status === 'rejected') throw joined.reason;
  const { run, done: leave } = joined.value;
  const job_ = { runId: data.runId, taskId };
  /** The commit last pushed to the remote's task ref by this job, and whether its done ref went with it. */
  let lastPushed: string | undefined;
  let donePushed = false;
  const pushCommit = async (commit: string, doneAttempt?: number) => {
    await pushTask(cache, remote, job_, commit, doneAttempt);
    lastPushed = commit;
    donePushed = doneAttempt !== undefined;
  };
  // With checks to run after a commit (validation, preMerge), it goes up at once, so a worker killed
  // while they run keeps it, and its done ref follows them. Without, the commit is the work's end:
  // it is held for the job's outcome and goes up with its done ref in one push (two pushes a task
  // cost seven git processes more, here and on the remote, for a commit moments from done).
  const holdCommits = !checksAfterCommit(data.config);
  /** The held commit, and its push: given the attempt to mark done, or none (work so far). */
  let held: { commit: string; release: (doneAttempt?: number) => void } | undefined;
  const ctx: TaskContext = {
    runId: data.runId,
    attempt,
    baseCommit: data.baseCommit,
    resultBranch: data.resultBranch,
    signal: job.signal,
    pause: job.pause,
    serializeMerge: (fn) => fn(),
    emit: async (body: RunEventBody): Promise<RunEvent> => {
      if (body.type === 'task.started') body = { ...body, worker: scope.name };
      if (body.type === 'task.committed') {
        // Reported once it is on the remote (a worker killed after that keeps the commit for the
        // next one), while the work goes on: its checks need no network. The events after it wait.
        const { commit } = body;
        held?.release();
        held = undefined;
        const doneAttempt = holdCommits
          ? new Promise<number | undefined>((release) => (held = { commit, release }))
          : Promise.resolve(undefined);
        send('event', body, async () => pushCommit(commit, await doneAttempt)).catch(() => undefined);
      } else if (held) {
        // Behind a held commit, which waits for the work to end: queued in order, not awaited.
        send('event', body).catch(() => undefined);
      } else await send('event', body);
      return { ...body, seq: 0, time: new Date().toISOString(), runId: data.runId };
    },
  };
  // Said, not thrown: the orchestrator has the outcome already, and a retry would redo merged work.
  const warnDoneRef = (error: unknown) =>
    publish('event', {
      type: 'log',
      level: 'warn',
      message: `task ${taskId} on worker ${scope.name}: its branch is on the remote but its done ref is not (${error instanceof Error ? error.message : String(error)})`,
    }).catch(() => undefined);
  let settling = nothingLeft;
  try {
    // Set from the remote (an earlier attempt's pushed work): the task's worktree starts from it.
    if (fetched.value.resumedFrom) await run.worktrees.noteBranch(taskId);
    const work = createTaskWork(
      workDeps(scope, data, cache, worktreeRoot, run.sandbox),
      run.worktrees,
      run.hosts,
    );
    // A held commit goes up whatever the ending; marked done only when it is the work's head.
    const outcome = await work(data.task, ctx).then(
      (ended) => {
        held?.release(ended.kind === 'done' && ended.head === held.commit ? attempt : undefined);
        return ended;
      },
      (error: unknown) => {
        held?.release();
        throw error;
      },
    );
    try {
      await behind;
    } catch (error) {
      // A commit whose push failed fails the job, whatever the work's ending; its worktree stays
      // as it is for a retry of the job.
      if (outcome.kind === 'done') await outcome.release?.('kept');
      throw error;
    }
    if (outcome.kind !== 'done') {
      const result: JobResult = { ...outcome, worker: scope.name };
      if (job.owned()) await send('end', result);
      await removeTaskWorktree(cache, worktreeRoot, data.runId, taskId);
      return { result, settling };
    }
    const { release, ...finished } = outcome;
    const result: JobResult = { ...finished, worker: scope.name };
    try {
      // The head is on the remote's task ref when it was pushed with its task.committed (a held
      // commit took its done ref along): the orchestrator fetches and merges it while the done
      // ref, which only a Redis that lost the job needs, goes up behind the job's end.
      let doneRef: Promise<unknown> = nothingLeft;
      if (finished.head === lastPushed && !donePushed)
        doneRef = pushTask(cache, remote, job_, finished.head, attempt).catch(warnDoneRef);
      else if (finished.head !== lastPushed) await pushCommit(finished.head, attempt);
      if (job.owned()) await send('end', result);
      // On the remote: the work's worktree goes to this run's next task here (the pool holds it
      // for the next job meanwhile).
      settling = Promise.all([
        doneRef,
        dropTaskBranch(cache, finished, data.runId, taskId).then((dropped) =>
          release?.(dropped ? 'merged' : 'kept'),
        ),
      ]).then(
        () => undefined,
        () => undefined,
      );
      return { result, settling };
    } catch (error) {
      // Not on the remote: the worktree stays as it is for a retry of the job.
      await release?.('kept');
      throw error;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await publish('event', {
      type: 'log',
      level: 'error',
      message: `task ${taskId} on worker ${scope.name}: ${message}`,
    }).catch(() => undefined);
    throw error;
  } finally {
    void settling.finally(leave);
  }
}

/** Bases a worker remembers having in its cache clones (the oldest forgotten first). */
const rememberedBases = 256;

/**
 * One `make()` per key: callers that come while it runs share its outcome, and a key made once is
 * not made again (a base in the cache clone stays there). A failure is forgotten, so it is tried again.
 */
async function once(made: Map<string, Promise<void>>, key: string, make: () => Promise<void>) {
  let pending = made.get(key);
  if (!pending) {
    pending = make();
    made.set(key, pending);
    const mine = pending;
    mine.catch(() => made.get(key) === mine && made.delete(key));
    for (const old of made.keys()) {
      if (made.size <= rememberedBases) break;
      made.delete(old);
    }
  }
  await pending;
}

function workDeps(
  scope: WorkerScope,
  data: TaskJob,
  cache: string,
  worktreeRoot: string,
  sandbox: Confiner,
): TaskWorkDeps {
  const config = { ...data.config, worktreeDir: worktreeRoot };
  return {
    sandbox,
    repo: cache,
    runId: data.runId,
    plan: data.plan,
    config,
    worktreeRoot,
    sharedPrefix: data.sharedPrefix,
    memory: new SharedMemory(data.findings),
    llmFor: data.model ? llmFor(scope, data, data.model) : undefined,
    agent: data.agent,
    env: scope.env,
    state: () => dependencyState(data),
  };
}

/** The worker's own LLM service per run: its keys, its limiter; the run's model and pricing. */
function llmFor(scope: WorkerScope, data: TaskJob, model: { model: string; provider: string }) {
  let llm = scope.llms.get(data.runId);
  if (!llm) {
    llm = createLlm({ config: data.config, env: scope.env, provider: model.provider as ProviderChoice });
    scope.llms.set(data.runId, llm);
  }
  return agentLlmFor(llm, llm.prepare(model.model), data.config, data.runId);
}

/** Just enough run state for the task's prompt: the plan's titles and its dependencies' summaries. */
function dependencyState(data: TaskJob): RunState {
  const time = new Date().toISOString();
  const planned = reduceRun(initialRunState(data.runId), {
    type: 'plan.ready',
    plan: data.plan,
    source: 'file',
    seq: 1,
    time,
    runId: data.runId,
  });
  const tasks = { ...planned.tasks };
  for (const dep of data.dependencies) {
    const view = tasks[dep.taskId];
    if (view) tasks[dep.taskId] = { ...view, summary: dep.summary };
  }
  return { ...planned, tasks };
}

/** The work is on the remote: its worktree and local branch here only take disk. */
async function removeTaskWorktree(cache: string, root: string, runId: string, taskId: string) {
  const path = worktreePath(root, runId, taskId);
  await git(['worktree', 'remove', '--force', '--force', path], { cwd: cache, okExitCodes: [128] });
  await git(['branch', '-D', taskBranch(runId, taskId)], { cwd: cache, okExitCodes: [1] });
}

/**
 * The work is on the remote: the local branch goes, the worktree (detached) is kept for the
 * run's next task. False when that did not work out (the worktree then stays as it is).
 */
async function dropTaskBranch(
  cache: string,
  work: { worktree: string; head: string },
  runId: string,
  taskId: string,
) {
  try {
    await detachHead(work.worktree, work.head);
    await git(['branch', '-D', taskBranch(runId, taskId)], { cwd: cache });
    return true;
  } catch {
    return false;
  }
}
