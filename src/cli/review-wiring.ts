import { Journal } from '../orchestrator/journal.js';
import { acquireRunLock } from '../orchestrator/run-lock.js';
import { MaestroError } from '../errors.js';
import { reviewServices, type JournalSink } from '../ui/review/sessions.js';
import type { ReviewServices } from '../ui/review/index.js';
import { linkDependencyDirs } from '../git/worktree-deps.js';
import type { MaestroConfig } from '../config/schema.js';
import type { Confiner } from '../sandbox/run.js';
import { scrubEnv } from '../agent/env.js';
import type { ConflictHunk } from '../git/conflict-types.js';
import type { ResolutionSession, SessionFile } from '../git/resolution-session.js';

/** The run's journal for the resolution events, under the run's lock: refused while the run is live elsewhere. */
export async function openRunJournal(run: {
  dir: string;
  runId: string;
}): Promise<JournalSink & { close: () => Promise<void> }> {
  let lock;
  try {
    lock = await acquireRunLock(run.dir, run.runId);
  } catch (error) {
    if (!(error instanceof MaestroError)) throw error;
    throw new MaestroError(`${error.message} Commit from that run's TUI (c) instead; your picks are kept.`);
  }
  try {
    const journal = await Journal.open(run.dir, run.runId);
    return {
      append: (body) => journal.append(body),
      close: async () => {
        await journal.close();
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** Review services with the config's validation, dependency links for the validation worktree, and optional model help. */
export function configuredReviewServices(options: {
  repo: string;
  commonDir: string;
  config: MaestroConfig;
  sandbox: Confiner;
  journal: () => Promise<JournalSink & { close?: () => Promise<void> }>;
  propose?: (
    hunk: ConflictHunk,
    context: { session: ResolutionSession; file: SessionFile },
  ) => Promise<string[]>;
}): ReviewServices {
  return reviewServices({
    repo: options.repo,
    commonDir: options.commonDir,
    validate: options.config.validate,
    validateTimeoutMs: options.config.validateTimeoutSeconds * 1000,
    env: scrubEnv(process.env, { allowEnv: options.config.allowEnv }),
    sandbox: options.sandbox,
    journal: options.journal,
    // Validation may need the project's dependencies, linked as for agents' worktrees.
    prepareWorktree: async (dir) => {
      await linkDependencyDirs(options.repo, dir, options.config.linkDependencies);
    },
    ...(options.propose && { propose: options.propose }),
  });
}
