/** Holds an agent between turns while the user paused its task. */
export class PauseGate {
  private gate: { promise: Promise<void>; open: () => void } | undefined;
  private readonly listeners = new Set<(paused: boolean) => void>();

  get paused(): boolean {
    return this.gate !== undefined;
  }

  pause(): void {
    if (this.gate) return;
    let open = (): void => undefined;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
    for (const listener of this.listeners) listener(true);
  }

  resume(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.open();
    if (gate) for (const listener of this.listeners) listener(false);
  }

  /** For executors whose agent pauses itself (the agent layer's own gate, or SIGSTOP for CLIs). */
  onChange(listener: (paused: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves at once when not paused, otherwise when resumed (or when `signal` aborts). */
  async wait(signal?: AbortSignal): Promise<void> {
    const gate = this.gate;
    if (!gate) return;
    if (!signal) return gate.promise;
    if (signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done);
      void gate.promise.then(done);
    });
  }
}
