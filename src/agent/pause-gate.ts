/** Pause/resume between agent turns: `wait()` returns at once while open, and blocks while paused. */
export class PauseGate {
  private waiters: (() => void)[] = [];
  private closed = false;

  get paused(): boolean {
    return this.closed;
  }

  pause(): void {
    this.closed = true;
  }

  resume(): void {
    this.closed = false;
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }

  /** Resolves when open (or when `signal` aborts, so a paused agent can still be stopped). */
  wait(signal?: AbortSignal): Promise<void> {
    if (!this.closed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      signal?.addEventListener('abort', wake, { once: true });
      this.waiters.push(wake);
    });
  }
}
