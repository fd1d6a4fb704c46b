import type { Confiner } from '../../sandbox/run.js';
import type { RunEventBody } from '../../events.js';
import type { RunState } from '../../orchestrator/run-state.js';
import type { ConflictHunk } from '../../git/conflict-types.js';
import { mergeTrees } from '../../git/merge.js';
import { settleByStructure } from '../../git/structured-tree.js';
import type { StructuredMerger } from '../../git/structured/structured-merge.js';
import { git } from '../../git/runner.js';
import {
  commitResolution,
  openSession,
  resultRef,
  saveSession,
  type ValidateTree,
  type ValidationRun,
} from '../../git/resolution.js';
import { runValidation } from '../../orchestrator/validate-commands.js';
import type { ResolutionSession, SessionFile } from '../../git/resolution-session.js';
import type { ReviewServices } from './ReviewView.js';

/**
 * Glue between a run and the review view: which tasks wait for review, their sessions (rebuilt
 * from the commits in the journal and resumed from disk), and the services the view calls.
 */
export interface PendingConflict {
  runId: string;
  taskId: string;
  title: string;
  taskCommit: string;
  resultCommit: string;
  files: { path: string; kind: string; hunks: number }[];
  /** Files git conflicted on that the structured merge settles: the review lists them resolved. */
  structured: string[];
}

/** Tasks whose latest word in the journal is a conflict, in plan order. */
export function pendingConflicts(state: RunState): PendingConflict[] {
  return state.order.flatMap((taskId) => {
    const task = state.tasks[taskId];
    if (!task || task.state !== 'conflicted' || !task.conflict) return [];
    const { taskCommit, resultCommit, files } = task.conflict;
    const { structured } = task;
    return [{ runId: state.runId, taskId, title: task.title, taskCommit, resultCommit, files, structured }];
  });
}

/**
 * The pending conflicts as the review opens them: a task the result branch moved past since its
 * conflict was journaled (later merges, another resolution) is merged again onto the branch as it
 * is now, so its files are the ones `resolve` shows (none when it merges cleanly now). With
 * `structured` (config `merge.structured`), the files it settles are named apart, as the review shows them.
 */
export async function currentConflicts(
  repo: string,
  state: RunState,
  structured?: StructuredMerger,
): Promise<PendingConflict[]> {
  const current: PendingConflict[] = [];
  for (const pending of pendingConflicts(state)) {
    const head = (await branchHead(repo, resultRef(pending.runId))) ?? pending.resultCommit;
    // The journaled files hold unless the branch moved or the structured merge was turned off since.
    if (head === pending.resultCommit && (structured || pending.structured.length === 0)) {
      current.push(pending);
      continue;
    }
    const merge = await mergeTrees(repo, head, pending.taskCommit, structured);
    const files = merge.conflicts.map((file) => ({
      path: file.path,
      kind: file.kind,
      hunks: file.hunks.length,
    }));
    current.push({ ...pending, resultCommit: head, files, structured: merge.structured });
  }
  return current;
}

/** `result (A, B +2)`: the result branch named by the tasks merged into it so far. */
export function oursLabel(state: RunState): string {
  const merged = state.order.filter((id) => state.tasks[id]?.state === 'merged');
  const titles = merged.slice(0, 2).map((id) => state.tasks[id]?.title ?? id);
  const more = merged.length > 2 ? ` +${merged.length - 2}` : '';
  return titles.length > 0 ? `result (${titles.join(', ')}${more})` : 'result (base)';
}

async function branchHead(repo: string, ref: string): Promise<string | null> {
  const result = await git(['rev-parse', '--verify', '--quiet', ref], { cwd: repo, okExitCodes: [1] });
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/**
 * One session per pending conflict: the task merged again onto the result branch as it is now
 * (git's merge is deterministic, so an unchanged branch resumes the saved picks). With
 * `structured`, the files it settles are listed already resolved, one undo from git's conflict.
 */
export async function openReviewSessions(
  repo: string,
  commonDir: string,
  state: RunState,
  structured?: StructuredMerger,
): Promise<ResolutionSession[]> {
  const ours = oursLabel(state);
  const sessions: ResolutionSession[] = [];
  for (const pending of pendingConflicts(state)) {
    const head = (await branchHead(repo, resultRef(pending.runId))) ?? pending.resultCommit;
    const merge = await mergeTrees(repo, head, pending.taskCommit);
    if (merge.clean) continue;
    const settled = structured ? (await settleByStructure(repo, merge, structured)).settled : {};
    sessions.push(
      await openSession(repo, commonDir, {
        runId: pending.runId,
        taskId: pending.taskId,
        labels: { ours, theirs: pending.title },
        resultCommit: head,
        taskCommit: pending.taskCommit,
        mergeTree: merge.tree,
        files: merge.conflicts,
        settled,
      }),
    );
  }
  return sessions;
}

/** Where the picks and the resolution are journaled (the run's Journal has this shape). */
export interface JournalSink {
  append(body: RunEventBody): Promise<unknown>;
}

export interface ReviewServiceOptions {
  repo: string;
  commonDir: string;
  /** The config's `validate` commands, run on the merged tree before it is committed. */
  validate: string[];
  validateTimeoutMs: number;
  /** Already scrubbed (`scrubEnv`): validation runs the merged code. */
  env?: NodeJS.ProcessEnv;
  /** Confines validation like an agent's (the run's AgentSandbox). */
  sandbox: Confiner;
  /** Opens the run's journal for the resolution events; closes it after. */
  journal: () => Promise<JournalSink & { close?: () => Promise<void> }>;
  prepareWorktree?: (dir: string) => Promise<void>;
  propose?: (
    hunk: ConflictHunk,
    context: { session: ResolutionSession; file: SessionFile },
  ) => Promise<string[]>;
}

/** The events a committed resolution adds to the journal: every pick, then the resolution. */
export function resolutionEvents(
  session: ResolutionSession,
  commit: string,
  resolvedBy: string,
): RunEventBody[] {
  return [
    ...session.picks.map((pick): RunEventBody => ({
      type: 'conflict.pick',
      taskId: session.taskId,
      path: pick.path,
      hunk: pick.hunk,
      pick: pick.pick,
    })),
    { type: 'conflict.resolved', taskId: session.taskId, commit, resolvedBy },
  ];
}

/** The `validate` commands through the orchestrator's runner (process groups, timeouts), streamed per command. */
export function validateWith(
  commands: string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
  sandbox: Confiner,
  onOutput: (chunk: string) => void,
): ValidateTree {
  const cleanEnv = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return async (worktree) => {
    const runs: ValidationRun[] = [];
    await runValidation(worktree, commands, {
      timeoutMs,
      env: cleanEnv,
      sandbox,
      onStart: async (command) => onOutput(`$ ${command}\n`),
      onResult: async (result) => {
        onOutput(result.output.endsWith('\n') || result.output === '' ? result.output : `${result.output}\n`);
        runs.push({
          command: result.command,
          ok: result.ok,
          exitCode: result.exitCode,
          output: result.output,
        });
      },
    });
    return runs;
  };
}

export function reviewServices(options: ReviewServiceOptions): ReviewServices {
  return {
    save: (session) => saveSession(options.commonDir, session),
    commit: async (session, onOutput) => {
      // Opened first: a run that cannot take the events (live elsewhere) must refuse before the branch moves.
      const journal = await options.journal();
      try {
        const outcome = await commitResolution({
          repo: options.repo,
          commonDir: options.commonDir,
          session,
          ...(options.validate.length > 0
            ? {
                validate: validateWith(
                  options.validate,
                  options.validateTimeoutMs,
                  options.env ?? {},
                  options.sandbox,
                  onOutput,
                ),
              }
            : {}),
          ...(options.prepareWorktree ? { prepareWorktree: options.prepareWorktree } : {}),
        });
        if (outcome.ok) {
          for (const body of resolutionEvents(session, outcome.commit, outcome.resolvedBy)) {
            await journal.append(body);
          }
        }
        return outcome;
      } finally {
        await journal.close?.();
      }
    },
    ...(options.propose ? { propose: options.propose } : {}),
  };
}
