import { runForAgent } from '../sandbox/run.js';
import type { Task } from '../orchestrator/plan.js';
import type { RunState } from '../orchestrator/run-state.js';
import type { TaskContext } from '../orchestrator/scheduler.js';
import { stopReason } from '../orchestrator/scheduler.js';
import type { TaskWorktree } from '../orchestrator/task-worktree.js';
import { WorktreePool, type WorktreePoolOptions } from './worktree-pool.js';
import { describeFailure, runValidation, type ValidationResult } from '../orchestrator/validate-commands.js';
import { requireConfigHook } from '../orchestrator/config-hooks.js';
import { addUsage, emptyUsage, type Usage } from '../llm/types.js';
import type { MaestroConfig } from '../config/schema.js';
import { snapshotWorktree } from '../git/snapshot.js';
import { checkTaskHead, detachHead } from '../git/task-head.js';
import { capAgentText } from './agent-text-cap.js';
import { runHooks } from '../plugins/hooks.js';
import type { WorktreeOptions } from '../git/worktree-create.js';
import {
  buildTaskMessage,
  scrubEnv,
  startAgent as defaultStartAgent,
  allowedCommands,
  type AgentOutcome,
  type DependencyReport,
  type StartAgentOptions,
  type AgentHandle,
  type AgentWorkspace,
} from '../agent/index.js';
import { secretFileCheck } from '../agent/secret-files.js';
import { ToolHostPool } from '../agent/host/pool.js';
import { describeLeftOut } from '../git/snapshot-exclude.js';
import type { PooledTaskWork, TaskWorkDeps, WorkOutcome } from './types.js';

/**
 * A task's work in a worktree of this machine: worktree, agent, snapshot commit, validation with
 * bounded fix rounds, the preMerge hook. Work is committed to the task branch whatever the ending,
 * so a stop, a failure or a crash never loses what the agent did. `worktrees` and `hosts` (the
 * built-in agents' tool processes) are kept from task to task and `close` ends both; a `maestro
 * worker` passes its run's, which outlive one job's work.
 */
export function createTaskWork(
  deps: TaskWorkDeps,
  worktrees = taskWorktreePool(deps),
  hosts = new ToolHostPool(deps.slots ?? deps.config.maxAgents),
): PooledTaskWork {
  const startAgent = deps.startAgent ?? defaultStartAgent;
  const start = (options: StartAgentOptions): AgentHandle => startAgent({ ...options, hosts });
  const work = async (task: Task, ctx: TaskContext): Promise<WorkOutcome> => {
    const agentId = `${task.id}.${ctx.attempt}`;
    // The worktree exists as soon as git knows it; its files follow while the agent's first turn streams.
    const worktree = await worktrees.acquire(task.id, ctx.baseCommit, task.files);
    await ctx.emit({
      type: 'task.started',
      taskId: task.id,
      agentId,
      branch: worktree.branch,
      worktree: worktree.path,
      baseCommit: worktree.commit,
      attempt: ctx.attempt,
    });
    const hooks = taskHooks(deps, task, ctx, worktree);
    const prepared = worktree.ready.then(async (ready) => {
      // A new or recycled worktree's HEAD is its commit; a reused one's is wherever it was left.
      await detachHead(worktree.path, worktree.reused ? undefined : worktree.commit);
      await ctx.emit({ type: 'task.worktree_ready', taskId: task.id, worktree: worktree.path, ms: ready.ms });
      await hooks.started();
      return ready;
    });
    // Awaited after the agent (which stops when it fails); marked handled until then.
    prepared.catch(() => undefined);
    const workspace: AgentWorkspace = { ready: prepared.then(() => undefined), early: worktree.early };
    const baseMessage = buildTaskMessage({
      task,
      plan: deps.plan,
      findings: deps.memory.all(),
      dependencies: dependencyReports(task, deps.state()),
      allowedCommands: allowedCommands(deps.config),
    });
    let usage = emptyUsage();
    let costUsd = 0;
    let message = baseMessage;
    // The task branch's commit after the last snapshot (checked by `checkTaskHead`): what gets merged.
    let head: string;
    // Files a snapshot left out live only in the worktree: it is not lent before the landing.
    let leftOut = false;
    const timeoutMs = deps.config.validateTimeoutSeconds * 1000;
    for (let round = 0; ; round += 1) {
      // The first round's detach is part of preparing the worktree; a fix round starts on the branch.
      if (round > 0) await detachHead(worktree.path);
      const outcome = await runAgent(start, deps, task, ctx, agentId, worktree.path, workspace, message);
      // A worktree that could not be prepared has nothing to commit: the task fails with why.
      const { linked } = await prepared;
      await hooks.agentDone(outcome);
      usage = addUsage(usage, outcome.usage);
      costUsd += outcome.costUsd;
      const committed = await commitWork(deps, task, ctx, agentId, worktree.path, linked, {
        usage,
        costUsd,
        summary: outcome.summary,
      });
      leftOut ||= committed.leftOut;
      // Whatever the ending, the commits on the agent's detached HEAD go back onto the task branch.
      // A snapshot made on the start commit descends from it: git need not be asked.
      const onStart = committed.snapshot?.parent === worktree.commit ? committed.snapshot.commit : undefined;
      const checked = await checkTaskHead(
        deps.repo,
        worktree.path,
        worktree.branch,
        worktree.commit,
        onStart,
      );
      if (ctx.signal.aborted) return { kind: 'stopped', reason: stopReason(ctx.signal) };
      if (outcome.status === 'stopped')
        return { kind: 'stopped', reason: outcome.reason || 'the agent stopped' };
      if (outcome.status === 'failed')
        return { kind: 'failed', reason: outcome.reason || 'the agent failed' };
      if (!checked.ok) return { kind: 'failed', reason: checked.reason };
      head = checked.head;
      const failure = await validate(deps, task, ctx, worktree, round + 1, timeoutMs);
      if (ctx.signal.aborted) return { kind: 'stopped', reason: stopReason(ctx.signal) };
      if (!failure) break;
      if (round >= deps.config.fixAttempts) {
        return {
          kind: 'failed',
          reason: `validation ${describeFailure(failure, timeoutMs)} after ${round} fix attempt(s)`,
        };
      }
      message = fixMessage(baseMessage, failure, timeoutMs);
    }
    await hooks.beforeMerge();
    const llm = deps.llmFor?.(task.id);
    // Journaled before the worktree may go to another task: its watcher and the radar let go of it.
    await ctx.emit({ type: 'task.merging', taskId: task.id });
    return {
      kind: 'done',
      head,
      worktree: worktree.path,
      credits: {
        agentId,
        model: llm?.model ?? agentLabel(deps.agent ?? deps.config.agent),
        provider: llm?.providerName ?? 'external',
        usage,
        costUsd,
      },
      release: worktrees.hold(worktree, !leftOut),
    };
  };
  return Object.assign(work, {
    close: async () => {
      await Promise.all([worktrees.close(), hosts.close()]);
    },
  });
}

/**
 * Whether a task's work can change or be refused after its snapshot commit: validation commands
 * (and their fix rounds) or a preMerge hook. Without them, a task that committed and whose HEAD
 * checked out is done with that commit.
 */
export function checksAfterCommit(config: Pick<MaestroConfig, 'validate' | 'hooks'>): boolean {
  return config.validate.length > 0 || config.hooks.preMerge !== undefined;
}

/**
 * The worktrees of a run's tasks, about one per agent slot, recycled between tasks. A work made
 * without one has its own; a `maestro worker` shares one between the jobs of a run.
 */
export function taskWorktreePool(
  deps: Pick<TaskWorkDeps, 'repo' | 'runId' | 'worktreeRoot' | 'config' | 'sandbox' | 'env' | 'slots'>,
  lending: Pick<WorktreePoolOptions, 'lendBeforeLanding'> = {},
): WorktreePool {
  const worktreeOptions: WorktreeOptions = {
    repo: deps.repo,
    runId: deps.runId,
    root: deps.worktreeRoot,
    include: deps.config.worktreeInclude,
    linkDependencies: deps.config.linkDependencies,
    setup: deps.config.setup && {
      ...deps.config.setup,
      sandbox: deps.sandbox,
      env: scrubEnv(deps.env ?? process.env, { allowEnv: deps.config.allowEnv }),
    },
  };
  return new WorktreePool({ ...worktreeOptions, ...lending, slots: deps.slots ?? deps.config.maxAgents });
}

/** The config's lifecycle hooks and the plugins' task hooks; a failing hook fails the task. */
function taskHooks(deps: TaskWorkDeps, task: Task, ctx: TaskContext, worktree: TaskWorktree) {
  const vars = {
    MAESTRO_RUN_ID: deps.runId,
    MAESTRO_TASK_ID: task.id,
    MAESTRO_WORKTREE: worktree.path,
    MAESTRO_BRANCH: worktree.branch,
    MAESTRO_RESULT_BRANCH: ctx.resultBranch,
  };
  const plugins = deps.plugins ?? [];
  const where = { runId: deps.runId, task, worktree: worktree.path };
  const shell = { cwd: worktree.path, vars, signal: ctx.signal, sandbox: deps.sandbox, env: deps.env };
  return {
    started: async (): Promise<void> => {
      if (!worktree.reused) await requireConfigHook(deps.config, 'postCreate', shell);
      await runHooks(plugins, 'beforeTask', where);
    },
    agentDone: (outcome: AgentOutcome) =>
      runHooks(plugins, 'afterTask', { ...where, status: outcome.status, summary: outcome.summary }),
    beforeMerge: () => requireConfigHook(deps.config, 'preMerge', shell),
  };
}

async function runAgent(
  start: (options: StartAgentOptions) => AgentHandle,
  deps: TaskWorkDeps,
  task: Task,
  ctx: TaskContext,
  agentId: string,
  worktree: string,
  workspace: AgentWorkspace,
  taskMessage: string,
): Promise<AgentOutcome> {
  const recorded: Promise<void>[] = [];
  const handle = start({
    runId: deps.runId,
    taskId: task.id,
    agentId,
    worktree,
    workspace,
    config: deps.config,
    system: deps.sharedPrefix,
    taskMessage,
    memory: deps.memory,
    dependencies: dependencyReports(task, deps.state()),
    ...(deps.memoryServer && { memoryServer: deps.memoryServer }),
    // The journal's own failure surfaces through the scheduler's appends; an agent event must not crash the agent.
    emit: capAgentText(task.id, (body) => void ctx.emit(body).catch(() => undefined)),
    llm: deps.llmFor?.(task.id),
    agent: deps.agent,
    env: deps.env,
    sandbox: deps.sandbox,
    ...(deps.pluginTools && { pluginTools: deps.pluginTools }),
    onProcessGroup: (pgid) => {
      // A failed record only costs resume its chance to stop this agent: never the task.
      if (deps.agentProcesses)
        recorded.push(deps.agentProcesses.record(task.id, pgid).catch(() => undefined));
    },
  });
  const onAbort = (): void => handle.stop(stopReason(ctx.signal));
  if (ctx.signal.aborted) onAbort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const unpause = ctx.pause.onChange((paused) => (paused ? handle.pause() : handle.resume()));
  if (ctx.pause.paused) handle.pause();
  try {
    return await handle.outcome;
  } finally {
    await Promise.allSettled(recorded);
    await deps.agentProcesses?.forget(task.id);
    unpause();
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

async function commitWork(
  deps: TaskWorkDeps,
  task: Task,
  ctx: TaskContext,
  agentId: string,
  worktree: string,
  linked: string[],
  spent: { usage: Usage; costUsd: number; summary: string },
): Promise<{ leftOut: boolean; snapshot?: { commit: string; parent: string } }> {
  const snapshot = await snapshotWorktree({
    worktree,
    runId: deps.runId,
    taskId: task.id,
    agentId,
    message: `${task.title}\n\n${spent.summary || 'Work of the agent so far.'}`,
    trailers: [
      ['Maestro-Model', deps.llmFor?.(task.id).model ?? agentLabel(deps.agent ?? deps.config.agent)],
      ['Maestro-Cost-Usd', spent.costUsd.toFixed(4)],
    ],
    ...(deps.config.commitHooks && {
      hooks: {
        runner: {
          run: async (file: string, args: string[], env: Record<string, string>) => {
            // The project's commit hooks are commands like any other: they get the command time limit.
            const seconds = deps.config.agentLimits.commandTimeoutSeconds;
            const result = await runForAgent(deps.sandbox, worktree, file, args, {
              env,
              timeoutMs: seconds * 1000,
              signal: ctx.signal,
            });
            const output = result.output + (result.spawnError ?? '');
            if (result.timedOut) return { ok: false, output: `timed out after ${seconds} s\n${output}` };
            return { ok: result.exitCode === 0, output };
          },
        },
        env: scrubEnv(deps.env ?? process.env, { allowEnv: deps.config.allowEnv }),
      },
    }),
    commitTimeoutMs: deps.config.agentLimits.commandTimeoutSeconds * 1000,
    exclude: linked,
    leaveOut: {
      maxFileBytes: deps.config.snapshot.maxFileBytes,
      allowLargeFiles: deps.config.snapshot.allowLargeFiles,
      isSecretFile: secretFileCheck(deps.config.allowSecretFiles),
    },
  });
  const leftOut = snapshot.leftOut.length > 0;
  if (leftOut) {
    const message = describeLeftOut(task.id, snapshot.leftOut, deps.config.snapshot.maxFileBytes);
    await ctx.emit({ type: 'log', level: 'warn', message });
  }
  if (!snapshot.committed) return { leftOut };
  await ctx.emit({
    type: 'task.committed',
    taskId: task.id,
    commit: snapshot.commit,
    files: snapshot.files,
    insertions: snapshot.insertions,
    deletions: snapshot.deletions,
  });
  return { leftOut, snapshot: { commit: snapshot.commit, parent: snapshot.parent } };
}

async function validate(
  deps: TaskWorkDeps,
  task: Task,
  ctx: TaskContext,
  worktree: TaskWorktree,
  attempt: number,
  timeoutMs: number,
): Promise<ValidationResult | undefined> {
  return runValidation(worktree.path, deps.config.validate, {
    timeoutMs,
    env: scrubEnv(deps.env ?? process.env, { allowEnv: deps.config.allowEnv }),
    sandbox: deps.sandbox,
    signal: ctx.signal,
    onStart: (command) => ctx.emit({ type: 'task.validating', taskId: task.id, command, attempt }),
    onResult: (result) =>
      ctx.emit({
        type: 'task.validated',
        taskId: task.id,
        command: result.command,
        ok: result.ok,
        exitCode: result.exitCode,
        output: result.output,
      }),
  });
}

function fixMessage(baseMessage: string, failure: ValidationResult, timeoutMs: number): string {
  return [
    baseMessage,
    '## Validation failed: fix it',
    `Your previous work is in the worktree (committed). The check ${describeFailure(failure, timeoutMs)}. Its output:`,
    '```',
    failure.output.trim(),
    '```',
    'Fix the cause, keep the rest of your work, and call finish when the check passes.',
  ].join('\n\n');
}

function dependencyReports(task: Task, state: RunState): DependencyReport[] {
  return task.dependsOn.map((id) => {
    const view = state.tasks[id];
    return { taskId: id, title: view?.title ?? id, summary: view?.summary ?? '(no summary)' };
  });
}

function agentLabel(agent: MaestroConfig['agent']): string {
  return typeof agent === 'string' ? agent : (agent.command[0] ?? 'command');
}
