import type { Command } from 'commander';
import { findRepo, loadRepoConfig, type GlobalOptions } from '../context.js';
import {
  attachReporter,
  loadRunPlugins,
  interruptController,
  parseAgents,
  parseBudget,
  planFromFlags,
  prepareModel,
  printRejectedPlan,
  type ModelSetup,
  type PlanFlags,
} from './run-shared.js';
import { exitCodeFor, formatSummary } from '../reporters/summary.js';
import { runJob } from '../../orchestrator/run-job.js';
import { createTaskRunner } from '../../orchestrator/task-runner.js';
import { agentLlmFor } from '../../orchestrator/agent-llm.js';
import { inspectRepo } from '../../git/repo.js';
import { worktreeRoot } from '../../git/worktree-paths.js';
import { SharedMemory, buildSharedPrefix } from '../../agent/index.js';
import type { MaestroConfig } from '../../config/schema.js';
import type { MaestroPlugin } from '../../plugins/api.js';
import { runAfterPlan, runHooks } from '../../plugins/hooks.js';
import { newRunId } from '../../orchestrator/run-paths.js';
import { requireConfigHook } from '../../orchestrator/config-hooks.js';
import type { RunState } from '../../orchestrator/run-state.js';

/** The config's postRun hook and the plugins' afterRun hooks; their failure is reported, the run stands. */
async function afterRun(
  config: MaestroConfig,
  plugins: MaestroPlugin[],
  state: RunState,
  root: string,
): Promise<void> {
  const resultBranch = state.resultBranch ?? '';
  try {
    await runHooks(plugins, 'afterRun', {
      runId: state.runId,
      status: state.outcome ?? 'stopped',
      resultBranch,
    });
    const vars = { MAESTRO_RUN_ID: state.runId, MAESTRO_RESULT_BRANCH: resultBranch };
    await requireConfigHook(config, 'postRun', { cwd: root, vars });
  } catch (error) {
    process.stderr.write(`maestro: ${(error as Error).message}\n`);
  }
}

interface RunFlags extends PlanFlags {
  base?: string;
  budget?: string;
  headless?: boolean;
  json?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('plan a task, run agents in parallel worktrees, and merge their work into a result branch')
    .option('--task <objective>', 'what to do, in a sentence')
    .option('--agents <n>', 'agents at once (default: maxAgents from the config)')
    .option('--model <model>', 'model for the planner and the agents (default: defaultModel)')
    .option('--provider <name>', 'openai, anthropic, ollama or auto')
    .option('--template <name>', 'a task template (see maestro templates)')
    .option('--each <glob>', 'one task per tracked file matching the glob, no planner')
    .option('--plan <file>', 'run this plan (JSON or YAML, e.g. from maestro plan) instead of planning')
    .option('--base <ref>', 'start from this commit or branch (default: HEAD)')
    .option('--budget <usd>', 'stop starting new work once the run has cost this much')
    .option('--serialize-overlaps', 'make tasks that touch the same files run one after the other')
    .option('--headless', 'print progress lines instead of the full-screen view')
    .option('--json', 'print every event as one JSON line (NDJSON)')
    .action(async (flags: RunFlags, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const repo = await findRepo(process.cwd());
      const loaded = await loadRepoConfig(repo, globals);
      const maxAgents = parseAgents(flags.agents, loaded.config.maxAgents);
      const budgetFlag = parseBudget(flags.budget);
      const { plugins, template } = await loadRunPlugins(flags.template, repo, loaded, globals);
      const config: MaestroConfig = {
        ...loaded.config,
        validate: [...loaded.config.validate, ...(template?.validate ?? [])],
        budget: { ...loaded.config.budget, ...(budgetFlag !== undefined ? { runUsd: budgetFlag } : {}) },
      };
      const info = await inspectRepo(repo.root);
      const root = worktreeRoot(info, config.worktreeDir);
      let setup: ModelSetup | undefined;
      const model = (): ModelSetup => (setup ??= prepareModel(config, flags));
      // Planning with the model checks its key first; a plan from a file or --each needs none until here.
      const runId = newRunId();
      await runHooks(plugins, 'beforePlan', { runId, objective: flags.task ?? '', root: repo.root });
      const obtained = await planFromFlags(repo, config, flags, template, model, maxAgents).catch(
        printRejectedPlan,
      );
      const plan = await runAfterPlan(plugins, { runId, plan: obtained.plan });
      if (config.agent === 'builtin') model();
      const interrupt = interruptController();
      try {
        const { state } = await runJob({
          repo: repo.root,
          commonDir: repo.commonDir,
          runId,
          plan,
          planSource: obtained.source,
          planUsage: obtained.usage && { usage: obtained.usage, costUsd: obtained.costUsd ?? 0 },
          baseRef: flags.base ?? info.head.branch ?? 'HEAD',
          maxAgents,
          model: setup?.resolved.model ?? 'external',
          provider: setup?.resolved.provider ?? 'external',
          budget: config.budget,
          serializeOverlaps: flags.serializeOverlaps,
          signal: interrupt.signal,
          redact: setup?.llm.redact,
          onJournal: (journal) => attachReporter(journal, flags.json === true),
          executor: async (run) =>
            createTaskRunner({
              repo: repo.root,
              runId: run.runId,
              plan: run.plan,
              config,
              worktreeRoot: root,
              sharedPrefix: await buildSharedPrefix(repo.root, config),
              memory: new SharedMemory(),
              llmFor: setup && agentLlmFor(setup.llm, setup.resolved, config, run.runId),
              state: () => run.scheduler.current,
              plugins,
            }),
        });
        await afterRun(config, plugins, state, repo.root);
        (flags.json ? process.stderr : process.stdout).write(`${formatSummary(state)}\n`);
        process.exitCode = exitCodeFor(state.outcome);
      } finally {
        interrupt.dispose();
      }
    });
}
