import { startSpawnHost } from '../../process/spawn-host-launch.js';
import type { Command } from 'commander';
import { findRepo, loadRepoConfig, type GlobalOptions } from '../context.js';
import {
  attachReporter,
  interruptController,
  loadRunPlugins,
  parseAgents,
  parseBudget,
  prepareModel,
  type ModelSetup,
} from './run-shared.js';
import { exitCodeFor, formatSummary } from '../reporters/summary.js';
import { resumeJob } from '../../orchestrator/resume-job.js';
import { AgentProcessRecords } from '../../orchestrator/agent-processes.js';
import {
  buildExecutor,
  executorSetting,
  parseExecutorKind,
  type BuiltExecutor,
} from '../../executor/select.js';
import { agentLlmFor, memoryFromEvents } from '../../orchestrator/agent-llm.js';
import { readRun } from '../../orchestrator/runs.js';
import { inspectRepo } from '../../git/repo.js';
import { prepareWorktreeRoot, worktreeRoot } from '../../git/worktree-paths.js';
import { buildSharedPrefix, startMemoryServer } from '../../agent/index.js';
import { openRunSandbox } from '../../sandbox/open-run.js';
import { inertText } from '../../util/terminal-text.js';

export function registerResume(program: Command): void {
  program
    .command('resume')
    .description(
      'continue a run after a crash, kill or Ctrl-C: keeps every commit, re-runs what was in flight',
    )
    .argument('[runId]', 'the run (default: the latest)')
    .option('--agents <n>', 'agents at once (default: as the run started)')
    .option('--provider <name>', 'openai, anthropic, ollama or auto')
    .option('--budget <usd>', 'a new run budget, above what the run has spent (default: as the run started)')
    .option('--headless', 'print progress lines (resume always does; accepted like run --headless)')
    .option('--json', 'print every event as one JSON line (NDJSON)')
    .option('--executor <kind>', 'local or queue (default: executor.kind from the config)')
    .action(
      async (
        runId: string | undefined,
        flags: { agents?: string; provider?: string; budget?: string; json?: boolean; executor?: string },
        command: Command,
      ) => {
        const globals = command.optsWithGlobals<GlobalOptions>();
        const repo = await findRepo(process.cwd());
        const loaded = await loadRepoConfig(repo, globals);
        const { config } = loaded;
        const { plugins, tools } = await loadRunPlugins(undefined, repo, loaded, globals);
        const record = await readRun(repo.root, runId);
        const maxAgents = flags.agents === undefined ? undefined : parseAgents(flags.agents, 1);
        const runBudgetUsd = parseBudget(flags.budget);
        const info = await inspectRepo(repo.root);
        const root = worktreeRoot(info, config.worktreeDir);
        await prepareWorktreeRoot(info, root);
        const sandbox = await openRunSandbox(config, globals.sandbox, repo, root);
        if (sandbox.notice !== null) process.stderr.write(`${sandbox.notice}\n`);
        const setting = executorSetting(config, parseExecutorKind(flags.executor));
        const model = record.state.model;
        const builtin = config.agent === 'builtin' && model && model !== 'external';
        // Queue workers hold the keys; here the model is only named.
        const setup: ModelSetup | undefined =
          builtin && setting.kind === 'local'
            ? prepareModel(config, { model, provider: flags.provider ?? record.state.provider })
            : undefined;
        const agentModel = builtin
          ? { model, provider: flags.provider ?? record.state.provider ?? 'auto' }
          : null;
        let built: BuiltExecutor | undefined;
        const interrupt = interruptController();
        const stopSpawnHost = startSpawnHost();
        // External agent CLIs reach the run's shared memory through one MCP server, closed with the run.
        const memoryServer = config.agent === 'builtin' ? undefined : await startMemoryServer();
        try {
          const { state } = await resumeJob({
            repo: repo.root,
            runId: record.runId,
            worktreeRoot: root,
            confinement: sandbox.confinement,
            maxAgents,
            runBudgetUsd,
            signal: interrupt.signal,
            redact: setup?.llm.redact,
            observe: { excludePaths: config.excludePaths, builtinAgents: config.agent === 'builtin' },
            onJournal: (journal) => attachReporter(journal, flags.json === true),
            executor: async (run) => {
              built = await buildExecutor(
                {
                  repo: repo.root,
                  runId: run.runId,
                  plan: run.plan,
                  // Agents enforce the task cap in force (journaled), not the one the config has now.
                  config: { ...config, budget: run.scheduler.current.budget },
                  worktreeRoot: root,
                  sharedPrefix: await buildSharedPrefix(repo.root, config),
                  memory: memoryFromEvents(run.journal.history()),
                  llmFor: setup && agentLlmFor(setup.llm, setup.resolved, config, run.runId),
                  state: () => run.scheduler.current,
                  plugins,
                  pluginTools: tools,
                  slots: run.scheduler.current.maxAgents,
                  sandbox: sandbox.confiner,
                  agentProcesses: new AgentProcessRecords(run.dir),
                  ...(memoryServer && { memoryServer }),
                },
                setting,
                agentModel,
              );
              return built.executor;
            },
          });
          (flags.json ? process.stderr : process.stdout).write(`${inertText(formatSummary(state))}\n`);
          process.exitCode = exitCodeFor(state.outcome);
        } finally {
          await built?.close();
          interrupt.dispose();
          await memoryServer?.close();
          stopSpawnHost();
        }
      },
    );
}
