import { fork, type ChildProcess } from 'node:child_process';
import { childEntry } from './child-entry.js';
import type { CollectSpec, Collected } from './collect.js';
import type { DetachedEvents, DetachedSpec } from './detached.js';
import type { DetachedEvent, FromSpawnHost, ToSpawnHost } from './spawn-host-protocol.js';

interface Waiting {
  /** The host it was sent to. */
  child: ChildProcess;
  resolve: (result: Collected) => void;
  reject: (error: Error) => void;
}

interface Following {
  child: ChildProcess;
  events: DetachedEvents;
  spawned: boolean;
}

/**
 * Starts programs through a small helper process (`spawn-host-main.ts`) instead of forking this one:
 * short ones run to completion (`run`: git), long ones detached with their events relayed (`start`).
 * libuv forks on Linux, and a fork copies the parent's page tables on the main thread: 10–30 ms
 * for an orchestrator of several hundred MB, paid for every git call (a fork from a ~50 MB host
 * costs about 1 ms). See https://github.com/nodejs/node/issues/14917 and libuv/libuv#1715.
 * The host starts on first use and again after it died; it never holds this process open.
 */
export class SpawnHost {
  private child: ChildProcess | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();
  /** Detached programs started here and not ended yet. */
  private readonly following = new Map<number, Following>();

  run(spec: CollectSpec, signal?: AbortSignal): Promise<Collected> {
    const child = this.host();
    const id = ++this.nextId;
    return new Promise<Collected>((resolve, reject) => {
      const send = (message: ToSpawnHost): void => {
        if (child.connected) child.send(message);
      };
      const onAbort = (): void => send({ kind: 'abort', id });
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.waiting.delete(id);
        if (this.waiting.size === 0 && this.following.size === 0) this.hold(false);
      };
      this.waiting.set(id, {
        child,
        resolve: (result) => {
          done();
          resolve(result);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      this.hold(true);
      send({ kind: 'run', id, spec });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A detached program (an agent, a validation command) started by the host, its events relayed. */
  start(spec: DetachedSpec, events: DetachedEvents): void {
    const child = this.host();
    const id = ++this.nextId;
    this.following.set(id, { child, events, spawned: false });
    this.hold(true);
    if (child.connected) child.send({ kind: 'start', id, spec } satisfies ToSpawnHost);
  }

  /** Lets the host go: it exits once the programs it runs have finished. */
  close(): void {
    const child = this.child;
    this.child = undefined;
    if (child?.connected) child.disconnect();
  }

  private host(): ChildProcess {
    if (this.child?.connected) return this.child;
    const { entry, execArgv } = childEntry(import.meta.url, 'spawn-host-main', ['--lite-mode']);
    const child = fork(entry, [], {
      execPath: process.execPath,
      execArgv,
      serialization: 'advanced',
      // Never the terminal: a Node process with a TTY on its stdio resets the terminal's mode when it
      // exits, which took the TUI out of raw mode after a shell round trip. Its last words are kept.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2_000);
    });
    child.on('message', (message: FromSpawnHost) => {
      if ('result' in message) this.waiting.get(message.id)?.resolve(message.result);
      else this.relay(message.id, message.detached);
    });
    // A send racing the host's exit surfaces as 'exit' below; unheard, it would crash this process.
    child.on('error', () => undefined);
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const last = stderr.trim().split('\n').at(-1);
      const why = new Error(
        `maestro's spawn host exited (${signal ?? `code ${code}`}) while git ran${last ? `: ${last}` : ''}`,
      );
      for (const waiting of [...this.waiting.values()]) if (waiting.child === child) waiting.reject(why);
      for (const [id, one] of [...this.following]) {
        if (one.child !== child) continue;
        this.relay(id, { kind: 'failed', message: `${why.message}; its output is lost` });
        if (one.spawned) this.relay(id, { kind: 'ended', code: null, signal: null });
      }
    });
    this.hold(this.waiting.size > 0 || this.following.size > 0);
    return child;
  }

  private relay(id: number, event: DetachedEvent): void {
    const one = this.following.get(id);
    if (!one) return;
    const { events } = one;
    switch (event.kind) {
      case 'spawned':
        one.spawned = true;
        return events.spawned(event.pid);
      case 'output':
        return events.output(event.chunk, event.stream);
      case 'exited':
        return events.exited(event.code, event.signal);
      case 'ended':
        this.settle(id);
        return events.ended(event.code, event.signal);
      case 'failed':
        // A failure after the start is followed by its end; before it, nothing else comes.
        if (!one.spawned) this.settle(id);
        return events.failed(event.message);
    }
  }

  private settle(id: number): void {
    this.following.delete(id);
    if (this.waiting.size === 0 && this.following.size === 0) this.hold(false);
  }

  /** The host keeps this process alive only while a program runs. */
  private hold(busy: boolean): void {
    const child = this.child;
    if (!child) return;
    const stderr = child.stderr as (NodeJS.ReadableStream & { ref?: () => void; unref?: () => void }) | null;
    if (busy) {
      child.ref();
      child.channel?.ref();
      stderr?.ref?.();
    } else {
      child.unref();
      child.channel?.unref();
      stderr?.unref?.();
    }
  }
}
