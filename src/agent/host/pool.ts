import {
  HostExitedError,
  startToolHost,
  type ReusableToolHost,
  type StartHostOptions,
  type ToolHost,
} from './client.js';

interface Idle {
  host: ReusableToolHost;
  /** The environment it was started with: a host is reused only for the same one. */
  env: string;
}

/**
 * A run's built-in agents' tool hosts, kept from one task to the next as worktrees are: a host
 * whose task ended with no call left running is set up for the next task's worktree instead of a
 * new Node process being started (a start is about 65 ms of CPU, a host 48 MB resident; bench/scale
 * started 250 for 250 tasks, now 50). The host keeps nothing of its last task: `init` replaces its
 * worktree, path guard, settings and plugin tools, and every command it ran died with its process
 * group before it became idle. At most `size` hosts wait idle; `close` ends them.
 */
export class ToolHostPool {
  private readonly idle: Idle[] = [];
  private closed = false;

  constructor(private readonly size: number) {}

  /** A host for `options.worktree`: an idle one set up again, or a new one. Its `close` gives it back. */
  async acquire(options: StartHostOptions): Promise<ToolHost> {
    const env = JSON.stringify(options.env);
    // Dead ones are dropped on the way (a host that crashed while idle).
    for (let at = this.idle.length - 1; at >= 0; at -= 1)
      if (!this.idle[at]?.host.alive) this.idle.splice(at, 1);
    const at = this.idle.findIndex((entry) => entry.env === env);
    const reused = at === -1 ? undefined : (this.idle.splice(at, 1)[0] as Idle).host;
    if (reused) {
      try {
        await reused.reinit(options);
        return this.lend(reused, env);
      } catch {
        // Ended (reinit kills it). A new host says whether the task's settings or that host were at
        // fault; the other idle hosts are not tried, so one bad task costs at most one of them.
      }
    }
    return this.lend(await startToolHost(options), env);
  }

  /** Ends the idle hosts; hosts still lent end when their task gives them back. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map(({ host }) => host.close()));
  }

  private lend(host: ReusableToolHost, env: string): ToolHost {
    let returned = false;
    return {
      pid: host.pid,
      // Given back, the host may be another task's: a late call of this one never reaches it.
      call: (name, args, signal) =>
        returned
          ? Promise.reject(new HostExitedError("the agent's tool process is no longer this task's"))
          : host.call(name, args, signal),
      close: async () => {
        if (returned) return;
        returned = true;
        const clean = await host.quiesce();
        if (clean && !this.closed && this.idle.length < this.size) this.idle.push({ host, env });
        else await host.close();
      },
    };
  }
}
