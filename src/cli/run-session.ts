import { startSpawnHost } from '../process/spawn-host-launch.js';
import type { RepoContext, GlobalOptions } from './context.js';
import { findRepo, loadRepoConfig } from './context.js';
import {
  loadRunPlugins,
  parseAgents,
  parseBudget,
  planFromFlags,
  prepareModel,
  printRejectedPlan,
  parseProvider,
  type ModelSetup,
  type PlanFlags,
} from './commands/run-shared.js';
import { runJob, type StartedRun } from '../orchestrator/run-job.js';
import { AgentProcessRecords } from '../orchestrator/agent-processes.js';
import { buildExecutor, executorSetting, parseExecutorKind, type BuiltExecutor } from '../executor/select.js';
import type { ExecutorSetting } from '../config/schema.js';
import { resolveModel } from '../llm/resolve.js';
import { agentLlmFor } from '../orchestrator/agent-llm.js';
import { inspectRepo, resolveCommit, type RepoInfo } from '../git/repo.js';
import { assertRunRefsFree } from '../git/refs.js';
import { prepareWorktreeRoot, worktreeRoot } from '../git/worktree-paths.js';
import { SharedMemory, buildSharedPrefix, startMemoryServer, type MemoryMcpServer } from '../agent/index.js';
import type { MaestroConfig } from '../config/schema.js';
import type { MaestroPlugin } from '../plugins/api.js';
import type { PluginToolRef } from '../agent/tools/plugin-tools.js';
import { runAfterPlan, runHooks } from '../plugins/hooks.js';
import { newRunId } from '../orchestrator/run-paths.js';
import { requireConfigHook } from '../orchestrator/config-hooks.js';
import type { RunState } from '../orchestrator/run-state.js';
import type { Plan } from '../orchestrator/plan.js';
import type { ObtainedPlan } from '../orchestrator/plan-source.js';
import type { Journal } from '../orchestrator/journal.js';
import {
  checkDelivery,
  checkoutResult,
  openPullRequest,
  pushResult,
  type DeliverOptions,
} from '../orchestrator/deliver.js';
import { formatSummary } from './reporters/summary.js';
import { openRunSandbox, type RunSandbox } from '../sandbox/open-run.js';
import { describeSensitive, sensitiveChanges } from '../orchestrator/sensitive-changes.js';
import { UsageError } from '../errors.js';

/** Every flag of `maestro run` (and `maestro tui --task`). */
export interface RunFlags extends PlanFlags {
  base?: string;
  budget?: string;
  headless?: boolean;
  json?: boolean;
  checkout?: boolean;
  push?: boolean;
  pr?: boolean;
  /** `local` or `queue` (default: the config's executor.kind). */
  executor?: string;
}

/** A run with its config, plugins and repository checked, before anything is planned. */
export interface PreparedRun {
  repo: RepoContext;
  info: RepoInfo;
  config: MaestroConfig;
  plugins: MaestroPlugin[];
  pluginTools: PluginToolRef[];
  template: Awaited<ReturnType<typeof loadRunPlugins>>['template'];
  worktreeRoot: string;
  maxAgents: number;
  runId: string;
  /** How agents' processes run (checked before anything is planned). */
  sandbox: RunSandbox;
  /** Where tasks run: this machine, or workers taking jobs from a queue. */
  executor: ExecutorSetting;
  /** The LLM service for the run's model; created (and its key checked) on first use. */
  model(): ModelSetup;
  setup(): ModelSetup | undefined;
}

/** Load config and plugins, check the repository and the flags. Bad input throws before anything runs. */
export async function prepareRun(flags: RunFlags, globals: GlobalOptions, cwd: string): Promise<PreparedRun> {
  const repo = await findRepo(cwd);
  const loaded = await loadRepoConfig(repo, globals);
  if (flags.provider !== undefined && loaded.config.agent !== 'builtin') {
    throw new UsageError(
      `--provider ${flags.provider} has no effect: the agent is an external CLI (config agent), which brings its own model`,
    );
  }
  const maxAgents = parseAgents(flags.agents, loaded.config.maxAgents);
  const budgetFlag = parseBudget(flags.budget);
  const { plugins, tools, template } = await loadRunPlugins(flags.template, repo, loaded, globals);
  const config: MaestroConfig = {
    ...loaded.config,
    validate: [...loaded.config.validate, ...(template?.validate ?? [])],
    budget: { ...loaded.config.budget, ...(budgetFlag !== undefined ? { runUsd: budgetFlag } : {}) },
  };
  const info = await inspectRepo(repo.root);
  const root = worktreeRoot(info, config.worktreeDir);
  const runId = newRunId();
  // Everything that would fail the run later is checked now, before a plan is paid for.
  if (flags.base !== undefined) await resolveCommit(repo.root, flags.base);
  await assertRunRefsFree(repo.root, runId);
  await checkDelivery(repo.root, flags);
  await prepareWorktreeRoot(info, root);
  const sandbox = await openRunSandbox(config, globals.sandbox, repo, root);
  if (sandbox.notice !== null) process.stderr.write(`${sandbox.notice}\n`);
  const executor = executorSetting(config, parseExecutorKind(flags.executor));
  let setup: ModelSetup | undefined;
  return {
    repo,
    info,
    config,
    plugins,
    pluginTools: tools,
    template,
    worktreeRoot: root,
    sandbox,
    maxAgents,
    runId,
    executor,
    model: () => (setup ??= prepareModel(config, flags)),
    setup: () => setup,
  };
}

/** The plan from a file, `--each`, a template or the model, after the plugins' plan hooks. */
export async function planRun(
  run: PreparedRun,
  flags: RunFlags,
): Promise<{ plan: Plan; obtained: ObtainedPlan }> {
  await runHooks(run.plugins, 'beforePlan', {
    runId: run.runId,
    objective: flags.task ?? '',
    root: run.repo.root,
  });
  const obtained = await planFromFlags(
    run.repo,
    run.config,
    flags,
    run.template,
    run.model,
    run.maxAgents,
    () => Promise.resolve(run.sandbox.confiner),
  ).catch(printRejectedPlan);
  const plan = await runAfterPlan(run.plugins, { runId: run.runId, plan: obtained.plan });
  // Agents need the model too: check its key now, before the first worktree exists. Queue workers
  // hold their own keys, so a queue run needs one here only if the model plans.
  if (run.config.agent === 'builtin' && run.executor.kind === 'local') run.model();
  return { plan, obtained };
}

export interface ExecuteHooks {
  signal: AbortSignal;
  onJournal?: (journal: Journal) => void;
  onScheduler?: (run: StartedRun) => void;
}

/** Run the plan to the end: worktrees, agents, validation, merges. Resolves with the final state. */
export async function executeRun(
  run: PreparedRun,
  planned: { plan: Plan; obtained: ObtainedPlan },
  flags: RunFlags,
  hooks: ExecuteHooks,
): Promise<RunState> {
  const setup = run.setup();
  const stopSpawnHost = startSpawnHost();
  // External agent CLIs reach the run's shared memory through one MCP server, closed with the run.
  const memoryServer = run.config.agent === 'builtin' ? undefined : await startMemoryServer();
  try {
    return await executeWith(run, planned, flags, hooks, setup, memoryServer);
  } finally {
    await memoryServer?.close();
    stopSpawnHost();
  }
}

async function executeWith(
  run: PreparedRun,
  planned: { plan: Plan; obtained: ObtainedPlan },
  flags: RunFlags,
  hooks: ExecuteHooks,
  setup: ReturnType<PreparedRun['setup']>,
  memoryServer: MemoryMcpServer | undefined,
): Promise<RunState> {
  const agentModel = builtinModel(run, flags, setup);
  let built: BuiltExecutor | undefined;
  try {
    const { state } = await runJob({
      repo: run.repo.root,
      commonDir: run.repo.commonDir,
      runId: run.runId,
      plan: planned.plan,
      planSource: planned.obtained.source,
      planUsage: planned.obtained.usage && {
        usage: planned.obtained.usage,
        costUsd: planned.obtained.costUsd ?? 0,
      },
      baseRef: flags.base ?? run.info.head.branch ?? 'HEAD',
      maxAgents: run.maxAgents,
      model: setup?.resolved.model ?? agentModel?.model ?? 'external',
      provider: setup?.resolved.provider ?? agentModel?.provider ?? 'external',
      budget: run.config.budget,
      confinement: run.sandbox.confinement,
      serializeOverlaps: flags.serializeOverlaps,
      signal: hooks.signal,
      redact: setup?.llm.redact,
      observe: { excludePaths: run.config.excludePaths, builtinAgents: run.config.agent === 'builtin' },
      onJournal: hooks.onJournal,
      onScheduler: hooks.onScheduler,
      executor: async (started) => {
        const deps = {
          repo: run.repo.root,
          runId: started.runId,
          plan: started.plan,
          config: run.config,
          worktreeRoot: run.worktreeRoot,
          sharedPrefix: await buildSharedPrefix(run.repo.root, run.config),
          memory: new SharedMemory(),
          llmFor:
            run.executor.kind === 'local' && setup
              ? agentLlmFor(setup.llm, setup.resolved, run.config, started.runId)
              : undefined,
          state: () => started.scheduler.current,
          plugins: run.plugins,
          pluginTools: run.pluginTools,
          slots: run.maxAgents,
          sandbox: run.sandbox.confiner,
          agentProcesses: new AgentProcessRecords(started.dir),
          ...(memoryServer && { memoryServer }),
        };
        built = await buildExecutor(deps, run.executor, agentModel);
        return built.executor;
      },
    });
    return state;
  } finally {
    await built?.close();
  }
}

/** The built-in agents' model: the run's LLM service's, or for a queue run resolved without a key. */
function builtinModel(
  run: PreparedRun,
  flags: RunFlags,
  setup: ModelSetup | undefined,
): { model: string; provider: string } | null {
  if (run.config.agent !== 'builtin') return null;
  if (setup) return setup.resolved;
  return resolveModel(flags.model ?? run.config.defaultModel, run.config, parseProvider(flags.provider));
}

/**
 * After the run: plugins' afterRun and the config's postRun hooks (a failure is reported, the run
 * stands), then `--checkout`, `--push`, `--pr` when something merged. Returns lines to print and
 * whether a delivery step failed.
 */
export async function concludeRun(
  run: PreparedRun,
  state: RunState,
  flags: RunFlags,
): Promise<{ lines: string[]; failed: boolean }> {
  const lines: string[] = [];
  let failed = false;
  const resultBranch = state.resultBranch ?? '';
  try {
    await runHooks(run.plugins, 'afterRun', {
      runId: state.runId,
      status: state.outcome ?? 'stopped',
      resultBranch,
    });
    const vars = { MAESTRO_RUN_ID: state.runId, MAESTRO_RESULT_BRANCH: resultBranch };
    await requireConfigHook(run.config, 'postRun', {
      cwd: run.repo.root,
      vars,
      sandbox: run.sandbox.confiner,
    });
  } catch (error) {
    lines.push(`maestro: ${(error as Error).message}`);
  }
  const anythingMerged = Object.values(state.tasks).some((task) => task.state === 'merged');
  const sensitive =
    anythingMerged && state.baseCommit && resultBranch
      ? await sensitiveChanges(run.repo.root, state.baseCommit, resultBranch)
      : [];
  const warning = sensitive.length > 0 ? describeSensitive(resultBranch, sensitive) : '';
  if (warning) lines.push(warning);
  if (!(flags.checkout || flags.push || flags.pr) || !resultBranch) return { lines, failed };
  if (!anythingMerged) {
    lines.push(`maestro: nothing merged, so ${resultBranch} is not checked out, pushed or proposed`);
    return { lines, failed: true };
  }
  const options: DeliverOptions = {
    root: run.repo.root,
    branch: resultBranch,
    baseRef: flags.base ?? run.info.head.branch ?? 'HEAD',
    title: `maestro: ${state.objective || 'changes'}`.slice(0, 120),
    body: `${formatSummary(state)}${warning ? `\n\n**${warning}**` : ''}\n\nMade by maestro: every merge commit names its task, agent, model, tokens and cost.`,
  };
  const steps: (() => Promise<string>)[] = [];
  if (flags.pr) steps.push(() => openPullRequest(options));
  else if (flags.push) steps.push(async () => (await pushResult(options)).message);
  if (flags.checkout) steps.push(() => checkoutResult(options));
  for (const step of steps) {
    try {
      lines.push(await step());
    } catch (error) {
      lines.push(`maestro: ${(error as Error).message}`);
      failed = true;
    }
  }
  return { lines, failed };
}
