import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { coneCovers, type Cone } from '../git/worktree-cone.js';

/**
 * The worktree an agent starts in before all of it is on disk: the agent's first model turn runs
 * while git writes the files. Tool calls wait for `ready`; reading a file of the task's own cone
 * may go ahead as soon as the cone is checked out.
 */
export interface AgentWorkspace {
  /** Every file checked out, set up and hooks run; a rejection fails the agent. */
  ready: Promise<void>;
  /** The task's own folders and when they are on disk; null when nothing comes early. */
  early: { cone: Cone; checkedOut: Promise<void> } | null;
}

/** Resolves when the tool call may run in the worktree (rejects when the workspace failed). */
export async function whenUsable(
  workspace: AgentWorkspace,
  worktree: string,
  tool: string,
  args: unknown,
): Promise<void> {
  const path = tool === 'read_file' ? (args as { path?: unknown } | null)?.path : undefined;
  const early = workspace.early;
  if (early && typeof path === 'string' && coneCovers(early.cone, path)) {
    const coneFirst = await Promise.race([
      early.checkedOut.then(
        () => true,
        () => false,
      ),
      workspace.ready.then(
        () => false,
        () => false,
      ),
    ]);
    // A file the cone lacks (ignored files are copied later) waits for everything.
    if (coneFirst && (await exists(join(worktree, path)))) return;
  }
  await workspace.ready;
}

/** Resolves when the first files are on disk: the cone, or without one everything (rejects when that failed). */
export function firstFiles(workspace: AgentWorkspace): Promise<void> {
  const early = workspace.early;
  if (!early) return workspace.ready;
  return Promise.race([early.checkedOut.catch(() => workspace.ready), workspace.ready]);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
