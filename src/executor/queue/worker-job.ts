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
import { createTaskWork } from '../task-work.js';
import { openRunSandbox } from '../../sandbox/open-run.js';
import type { SandboxProbe } from '../../sandbox/probe.js';
import type { Confiner } from '../../sandbox/run.js';
import type { TaskWorkDeps } from '../types.js';
import { protocolVersion, runKeys, type JobResult, type TaskJob } from './protocol.js';
import { cacheClone, pushTask, prepareTaskRefs } from './remote-git.js';

/** What one `maestro worker` shares between its jobs. */
export interface WorkerScope {
  name: string;
  dataDir: string;
  /** The worker's own name for the remote (`--remote`); else each job's. */
  remote?: string;
  redis: Redis;
  env: NodeJS.ProcessEnv;
  /** Task keys (`runId/taskId`) running here: a second job of one task waits, never shares a worktree. */
  running: Map<string, Promise<unknown>>;
  /** Held from a job's start until its worktree is registered: git's worktree adds go one at a time. */
  startGate: { chain: Promise<void> };
  llms: Map<string, Llm>;
  /** Whether and where bubblewrap works on this machine: found once per worker, not per job. */
  sandboxProbe: () => Promise<SandboxProbe>;
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
  scope.running.set(key, run);
  try {
    return await run;
  } finally {
    if (scope.running.get(key) === run) scope.running.delete(key);
  }
}

async function runJob(scope: WorkerScope, job: JobHandle): Promise<JobResult> {
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
  if (job.started > 1) {
    await publish('event', {
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
    await publish('end', stopped);
    return stopped;
  }
  const cache = await cacheClone(scope.dataDir, remote);
  const worktreeRoot = join(scope.dataDir, 'worktrees');
  const firstAttempt = data.attempt === 1 && job.started === 1 && data.requeued !== true;
  await prepareTaskRefs(
    cache,
    remote,
    { runId: data.runId, taskId, baseCommit: data.baseCommit, firstAttempt },
    (id) => worktreePath(worktreeRoot, data.runId, id),
  );
  const job_ = { runId: data.runId, taskId };
  let registered: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (registered = resolve));
  const previous = scope.startGate.chain;
  scope.startGate.chain = previous.then(() => gate);
  await previous;
  const ctx: TaskContext = {
    runId: data.runId,
    attempt,
    baseCommit: data.baseCommit,
    resultBranch: data.resultBranch,
    signal: job.signal,
    pause: job.pause,
    serializeMerge: (fn) => fn(),
    emit: async (body: RunEventBody): Promise<RunEvent> => {
      if (body.type === 'task.started') {
        registered();
        body = { ...body, worker: scope.name };
      }
      if (body.type === 'task.committed') {
        // Pushed before the work goes on: a worker killed after this keeps the commit for the next one.
        await pushTask(cache, remote, job_, body.commit);
      }
      await publish('event', body);
      return { ...body, seq: 0, time: new Date().toISOString(), runId: data.runId };
    },
  };
  try {
    // The worker confines its agents as a local run does (the job's `sandbox` setting, probed here).
    const repo = { root: cache, commonDir: join(cache, '.git') };
    const sandbox = await openRunSandbox(data.config, undefined, repo, worktreeRoot, scope.sandboxProbe);
    const work = createTaskWork(workDeps(scope, data, cache, worktreeRoot, sandbox.confiner));
    const outcome = await work(data.task, ctx);
    if (outcome.kind === 'done') await pushTask(cache, remote, job_, outcome.head, attempt);
    const result: JobResult = { ...outcome, worker: scope.name };
    if (job.owned()) await publish('end', result);
    await removeTaskWorktree(cache, worktreeRoot, data.runId, taskId);
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await publish('event', {
      type: 'log',
      level: 'error',
      message: `task ${taskId} on worker ${scope.name}: ${message}`,
    }).catch(() => undefined);
    throw error;
  } finally {
    registered();
  }
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
