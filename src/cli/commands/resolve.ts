import { StructuredMerger } from '../../git/structured/structured-merge.js';
import type { Command } from 'commander';
import { findRepo, loadRepoConfig, type GlobalOptions } from '../context.js';
import { readRun } from '../../orchestrator/runs.js';
import { UsageError } from '../../errors.js';
import { currentConflicts, openReviewSessions, type PendingConflict } from '../../ui/review/sessions.js';
import { runReview } from '../../ui/review/run-review.js';
import { configuredReviewServices, openRunJournal } from '../review-wiring.js';
import { resumeHint } from '../resume-hint.js';
import { openRunSandbox } from '../../sandbox/open-run.js';
import { inspectRepo } from '../../git/repo.js';
import { worktreeRoot } from '../../git/worktree-paths.js';

import { inertJson, inertText } from '../../util/terminal-text.js';

interface ResolveOptions {
  list?: boolean;
  json?: boolean;
}

export function registerResolve(program: Command): void {
  program
    .command('resolve')
    .description(
      "review a run's merge conflicts by keyboard and commit the resolution into its result branch",
    )
    .argument('[runId]', 'the run (default: the latest)')
    .option('--list', 'print the conflicts waiting for review and exit')
    .option('--json', 'with --list: print JSON')
    .action(async (runId: string | undefined, options: ResolveOptions, command: Command) => {
      const repo = await findRepo(process.cwd());
      const run = await readRun(repo.root, runId);
      if (options.json && !options.list)
        throw new UsageError('--json goes with --list: `maestro resolve --list --json`');
      const globals = command.optsWithGlobals<GlobalOptions>();
      const { config } = await loadRepoConfig(repo, globals);
      const structured = config.merge.structured ? new StructuredMerger() : undefined;
      const pending = await currentConflicts(repo.root, run.state, structured);
      if (options.list) {
        process.stdout.write(
          options.json
            ? `${inertJson(JSON.stringify(pending, null, 2))}\n`
            : inertText(listText(run.runId, pending)),
        );
        return;
      }
      if (pending.length === 0) {
        process.stdout.write(`No conflicts wait for review in run ${run.runId}.\n`);
        return;
      }
      if (!process.stdout.isTTY || !process.stdin.isTTY) {
        throw new UsageError(
          'maestro resolve needs a terminal; scripts can read `maestro resolve --list --json`',
        );
      }
      const root = worktreeRoot(await inspectRepo(repo.root), config.worktreeDir);
      const sandbox = await openRunSandbox(config, globals.sandbox, repo, root);
      if (sandbox.notice !== null) process.stderr.write(`${sandbox.notice}\n`);
      const sessions = await openReviewSessions(repo.root, repo.commonDir, run.state, structured);
      await runReview({
        sessions,
        services: configuredReviewServices({
          repo: repo.root,
          commonDir: repo.commonDir,
          config,
          sandbox: sandbox.confiner,
          journal: () => openRunJournal(run),
        }),
      });
      const hint = resumeHint((await readRun(repo.root, run.runId)).state);
      if (hint) process.stdout.write(hint);
    });
}

function listText(runId: string, pending: PendingConflict[]): string {
  if (pending.length === 0) return `No conflicts wait for review in run ${runId}.\n`;
  const lines = [`run ${runId}: ${pending.length} task(s) wait for review (maestro resolve ${runId})`];
  for (const task of pending) {
    lines.push(
      `  ${task.taskId}  ${task.title}${task.files.length + task.structured.length === 0 ? '  (merges cleanly onto the result branch now)' : ''}`,
    );
    for (const file of task.files) {
      lines.push(`    ${file.path}  ${file.kind}${file.kind === 'content' ? `, ${file.hunks} hunk(s)` : ''}`);
    }
    for (const path of task.structured) lines.push(`    ${path}  merged by structure (review can undo it)`);
  }
  return `${lines.join('\n')}\n`;
}
