import { join } from 'node:path';
import type { MaestroConfig } from '../../config/schema.js';
import { openRunSandbox } from '../../sandbox/open-run.js';
import type { SandboxProbe } from '../../sandbox/probe.js';
import type { Confiner } from '../../sandbox/run.js';
import type { WorktreePool } from '../worktree-pool.js';
import { ToolHostPool } from '../../agent/host/pool.js';

/** What the jobs of one run share on a worker: its agents' sandbox, recycled worktrees and tool hosts. */
export interface WorkerRun {
  sandbox: Confiner;
  worktrees: WorktreePool;
  hosts: ToolHostPool;
}

export interface WorkerRunsOptions {
  /** The worker's agent slots: a run keeps at most this many free worktrees. */
  slots: number;
  sandboxProbe: () => Promise<SandboxProbe>;
  /** A run's worktree pool, made once per run and cache clone (`taskWorktreePool`). */
  makePool: (run: RunKey & { sandbox: Confiner; slots: number }) => WorktreePool;
  /** A run with no job here for this long has its free worktrees removed. */
  idleMs: number;
}

export interface RunKey {
  runId: string;
  cache: string;
  worktreeRoot: string;
  config: MaestroConfig;
}

interface Entry {
  run: Promise<WorkerRun>;
  jobs: number;
  idle?: NodeJS.Timeout;
}

/**
 * The runs a worker has jobs of. The jobs of one run take their worktrees from one pool, so a
 * slot's worktree is switched in place to its next task (as in a local run) instead of being
 * removed and made again per job; a run that stays idle gives its free worktrees back.
 */
export class WorkerRuns {
  private readonly runs = new Map<string, Entry>();
  /** Pools being closed, by key: a run that comes back waits for them (same worktree paths). */
  private readonly closing = new Map<string, Promise<void>>();

  constructor(private readonly options: WorkerRunsOptions) {}

  /** The run of a job; call `done` (once) when the job has let go of its worktree. */
  async enter(key: RunKey): Promise<{ run: WorkerRun; done: () => void }> {
    const id = `${key.cache}\0${key.runId}`;
    await this.closing.get(id);
    let entry = this.runs.get(id);
    if (!entry) {
      const run = this.open(key);
      entry = { run, jobs: 0 };
      this.runs.set(id, entry);
      // A run whose sandbox cannot open is tried afresh by its next job.
      run.catch(() => this.runs.delete(id));
    }
    const current = entry;
    current.jobs += 1;
    clearTimeout(current.idle);
    let left = false;
    const done = (): void => {
      if (left) return;
      left = true;
      current.jobs -= 1;
      if (current.jobs > 0 || this.runs.get(id) !== current) return;
      current.idle = setTimeout(() => void this.retire(id, current), this.options.idleMs);
      current.idle.unref();
    };
    try {
      return { run: await current.run, done };
    } catch (error) {
      done();
      throw error;
    }
  }

  /** Removes every run's free worktrees and ends its idle hosts (the worker is stopping; no job runs any more). */
  async close(): Promise<void> {
    await Promise.all([...this.runs].map(([id, entry]) => this.retire(id, entry)));
    await Promise.all([...this.closing.values()]);
  }

  private async open(key: RunKey): Promise<WorkerRun> {
    // The worker confines its agents as a local run does (the run's `sandbox` setting, probed here).
    const repo = { root: key.cache, commonDir: join(key.cache, '.git') };
    const { confiner } = await openRunSandbox(
      key.config,
      undefined,
      repo,
      key.worktreeRoot,
      this.options.sandboxProbe,
    );
    return {
      sandbox: confiner,
      worktrees: this.options.makePool({ ...key, sandbox: confiner, slots: this.options.slots }),
      hosts: new ToolHostPool(this.options.slots),
    };
  }

  private async retire(id: string, entry: Entry): Promise<void> {
    clearTimeout(entry.idle);
    if (this.runs.get(id) !== entry || entry.jobs > 0) return;
    this.runs.delete(id);
    const closing: Promise<void> = entry.run
      .then(async (run) => {
        await Promise.all([run.worktrees.close(), run.hosts.close()]);
      })
      .catch(() => undefined)
      .finally(() => {
        if (this.closing.get(id) === closing) this.closing.delete(id);
      });
    this.closing.set(id, closing);
    await closing;
  }
}
