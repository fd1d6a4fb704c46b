import { openRunSandbox } from '../../sandbox/open-run.js';
import { inspectRepo } from '../../git/repo.js';
import { worktreeRoot } from '../../git/worktree-paths.js';
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { findRepo, loadRepoConfig, type GlobalOptions } from '../context.js';
import {
  loadRunPlugins,
  parseAgents,
  planFromFlags,
  prepareModel,
  printRejectedPlan,
  type ModelSetup,
  type PlanFlags,
} from './run-shared.js';
import { formatPlanTree } from '../../orchestrator/plan-tree.js';
import { predictOverlaps, serializeOverlaps } from '../../orchestrator/plan-overlap.js';
import { listTrackedFiles } from '../../orchestrator/repo-files.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { inertJson, inertText } from '../../util/terminal-text.js';

interface PlanCommandFlags extends PlanFlags {
  json?: boolean;
  out?: string;
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description(
      'make a plan without running it: print it and save it to edit and pass to maestro run --plan',
    )
    .option('--task <objective>', 'what to do, in a sentence')
    .option('--agents <n>', 'agents the plan is made for (default: maxAgents)')
    .option('--model <model>', 'model for the planner (default: defaultModel)')
    .option('--provider <name>', 'openai, anthropic, ollama or auto')
    .option('--template <name>', 'a task template (see maestro templates)')
    .option('--each <glob>', 'one task per tracked file matching the glob')
    .option('--plan <file>', 'check and print an existing plan file')
    .option('--serialize-overlaps', 'make tasks that touch the same files depend on each other')
    .option('--out <file>', 'where to save the plan (default: a file under .git/maestro/plans/)')
    .option('--json', 'print the plan as JSON instead of a tree')
    .action(async (flags: PlanCommandFlags, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const repo = await findRepo(process.cwd());
      const loaded = await loadRepoConfig(repo, globals);
      const config = loaded.config;
      const maxAgents = parseAgents(flags.agents, config.maxAgents);
      const { template } = await loadRunPlugins(flags.template, repo, loaded, globals);
      let setup: ModelSetup | undefined;
      const model = (): ModelSetup => (setup ??= prepareModel(config, flags));
      // Only a template's plan function runs programs: the sandbox is checked when it does.
      const sandbox = async () => {
        const root = worktreeRoot(await inspectRepo(repo.root), config.worktreeDir);
        return (await openRunSandbox(config, globals.sandbox, repo, root)).confiner;
      };
      const obtained = await planFromFlags(repo, config, flags, template, model, maxAgents, sandbox).catch(
        printRejectedPlan,
      );
      let plan = obtained.plan;
      const overlaps = predictOverlaps(plan, await listTrackedFiles(repo.root));
      if (flags.serializeOverlaps) plan = serializeOverlaps(plan, overlaps);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const out = flags.out
        ? resolve(process.cwd(), flags.out)
        : join(repo.commonDir, 'maestro', 'plans', `plan-${stamp}.yaml`);
      await writeFileAtomic(
        out,
        out.endsWith('.json') ? `${JSON.stringify(plan, null, 2)}\n` : stringify(plan),
      );
      if (flags.json) {
        process.stdout.write(`${inertJson(JSON.stringify(plan, null, 2))}\n`);
        process.stderr.write(`saved to ${out}\n`);
        return;
      }
      const lines = [formatPlanTree(plan)];
      if (overlaps.length > 0) {
        lines.push(
          '',
          flags.serializeOverlaps
            ? 'Overlaps (now run one after the other):'
            : 'Overlaps (may conflict; --serialize-overlaps chains them):',
        );
        for (const pair of overlaps) lines.push(`  ${pair.a} & ${pair.b}: ${pair.files.join(', ')}`);
      }
      if (obtained.costUsd) lines.push('', `planning cost $${obtained.costUsd.toFixed(4)}`);
      lines.push('', `saved to ${out}`, `edit it if you like, then: maestro run --plan ${out}`);
      process.stdout.write(`${inertText(lines.join('\n'))}\n`);
    });
}
