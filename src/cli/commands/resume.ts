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
import { createLocalExecutor } from '../../executor/local.js';
import { agentLlmFor, memoryFromEvents } from '../../orchestrator/agent-llm.js';
import { readRun } from '../../orchestrator/runs.js';
import { inspectRepo } from '../../git/repo.js';
import { worktreeRoot } from '../../git/worktree-paths.js';
import { buildSharedPrefix, startMemoryServer } from '../../agent/index.js';

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
    .option('--json', 'print every event as one JSON line (NDJSON)')
    .action(
      async (
        runId: string | undefined,
        flags: { agents?: string; provider?: string; budget?: string; json?: boolean },
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
        const root = worktreeRoot(await inspectRepo(repo.root), config.worktreeDir);
        const model = record.state.model;
        const setup: ModelSetup | undefined =
          config.agent === 'builtin' && model && model !== 'external'
            ? prepareModel(config, { model, provider: flags.provider ?? record.state.provider })
            : undefined;
        const interrupt = interruptController();
        // External agent CLIs reach the run's shared memory through one MCP server, closed with the run.
        const memoryServer = config.agent === 'builtin' ? undefined : await startMemoryServer();
        try {
          const { state } = await resumeJob({
            repo: repo.root,
            runId: record.runId,
            worktreeRoot: root,
            maxAgents,
            runBudgetUsd,
            signal: interrupt.signal,
            redact: setup?.llm.redact,
            observe: { excludePaths: config.excludePaths },
            onJournal: (journal) => attachReporter(journal, flags.json === true),
            executor: async (run) =>
              createLocalExecutor({
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
                ...(memoryServer && { memoryServer }),
              }),
          });
          (flags.json ? process.stderr : process.stdout).write(`${formatSummary(state)}\n`);
          process.exitCode = exitCodeFor(state.outcome);
        } finally {
          interrupt.dispose();
          await memoryServer?.close();
        }
      },
    );
}
