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
 * new Node process being started (about 65 ms of CPU and 45 MB a start; bench/scale starts 250).
 * The host keeps nothing of its last task: `init` replaces its worktree, path guard, settings and
 * plugin tools, and every command it ran died with its process group before it became idle.
 * At most `size` hosts wait idle; `close` ends them.
 */
export class ToolHostPool {
  private readonly idle: Idle[] = [];
  private closed = false;

  constructor(private readonly size: number) {}

  /** A host for `options.worktree`: an idle one set up again, or a new one. Its `close` gives it back. */
  async acquire(options: StartHostOptions): Promise<ToolHost> {
    const env = JSON.stringify(options.env);
    for (;;) {
      const at = this.idle.findIndex((entry) => entry.env === env);
      if (at === -1) break;
      const [{ host }] = this.idle.splice(at, 1) as [Idle];
      if (!host.alive) continue;
      try {
        await host.reinit(options);
        return this.lend(host, env);
      } catch {
        // One that cannot be set up again is ended (reinit kills it); the next idle one, or a new one.
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
