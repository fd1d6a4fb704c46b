/**
 * Lets a few worktree watchers walk their worktree at a time. A watcher's first walk (chokidar
 * lstats every entry of every folder; see WalkedFolders for how few folders are in flight) is
 * short-lived garbage, but twenty of them at once grow the heap to hundreds of MB that the process
 * keeps (bench/watch, 20 walks of 4,000 files: 474 MB RSS at once, about 245 MB one at a time).
 * Walking them in turn costs no more CPU and most watchers are ready sooner. One gate per run.
 */
export class WalkGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly concurrency = 1) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`walk concurrency must be a positive integer, got ${concurrency}`);
  }

  /** Runs `walk` once fewer than `concurrency` walks are running; the slot is freed when it settles. */
  async run<T>(walk: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running += 1;
    // The slot is handed over by `release`, which keeps `running` as it is.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await walk();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}
