import type { Redis } from 'ioredis';
import { parseEntry, runKeys, type StreamEntry } from './protocol.js';

type Handler = (entry: StreamEntry) => Promise<void>;

/** Batches read and handed out before the journal has the first of them. */
const maxUnsavedBatches = 8;
/** Entries kept for a job nobody listens to yet (a resumed run adopts its jobs a moment later). */
const bufferLimit = 2000;

/**
 * Reads a run's event stream (one Redis stream that every worker appends to) and hands each entry
 * to the task waiting for that job, in order. The last id handled is kept in Redis after each
 * batch, so a resumed orchestrator continues where this one stopped.
 */
export class EventRelay {
  private readonly handlers = new Map<string, Handler>();
  private readonly buffered = new Map<string, StreamEntry[]>();
  private closed = false;
  private loop: Promise<void> = Promise.resolve();
  /** Per job, its entries handled so far, in order; jobs do not wait for each other. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly reader: Redis,
    private readonly client: Redis,
    private readonly runId: string,
    private readonly warn: (message: string) => void,
  ) {}

  async start(): Promise<void> {
    const cursor = (await this.client.get(runKeys.cursor(this.runId))) ?? '0';
    this.loop = this.read(cursor);
  }

  /** Entries of `jobId` go to `handler` (any that came before are replayed first). */
  route(jobId: string, handler: Handler): () => void {
    this.handlers.set(jobId, handler);
    const early = this.buffered.get(jobId) ?? [];
    this.buffered.delete(jobId);
    for (const entry of early) this.handle(jobId, handler, entry);
    return () => {
      if (this.handlers.get(jobId) === handler) this.handlers.delete(jobId);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reader.disconnect();
    await this.loop;
    await this.settled();
  }

  private async read(from: string): Promise<void> {
    let cursor = from;
    const key = runKeys.events(this.runId);
    // The cursor moves only past entries that are in the journal: each batch's cursor is saved once
    // its entries are handled, in order, while the next batches are read and handed out already.
    let saved: Promise<void> = Promise.resolve();
    let unsaved = 0;
    while (!this.closed) {
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await this.reader.xread(
          'COUNT',
          500,
          'BLOCK',
          1000,
          'STREAMS',
          key,
          cursor,
        )) as typeof reply;
      } catch {
        if (this.closed) break;
        // Redis is restarting: ioredis reconnects; read again from the same place.
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      if (!reply) continue;
      for (const [, entries] of reply) {
        for (const [id, fields] of entries) {
          cursor = id;
          const entry = parseEntry(id, fields);
          if (typeof entry === 'string') this.warn(`event stream: ${entry}`);
          else this.dispatch(entry);
        }
      }
      const handled = Promise.all([...this.chains.values()]);
      const batchEnd = cursor;
      unsaved += 1;
      saved = saved
        .then(() => handled)
        .then(async () => void (await this.client.set(runKeys.cursor(this.runId), batchEnd)))
        .catch(() => undefined)
        .finally(() => (unsaved -= 1));
      // A journal slower than the stream: reading waits rather than holding ever more entries.
      if (unsaved >= maxUnsavedBatches) await saved;
    }
    await saved;
  }

  private dispatch(entry: StreamEntry): void {
    const handler = this.handlers.get(entry.job);
    if (!handler) {
      const list = this.buffered.get(entry.job) ?? [];
      if (list.length < bufferLimit) list.push(entry);
      this.buffered.set(entry.job, list);
      return;
    }
    this.handle(entry.job, handler, entry);
  }

  /**
   * After the job's earlier entries: one job's events reach the journal in stream order, while
   * the jobs' appends go together (the journal writes what is queued in one fsync).
   */
  private handle(jobId: string, handler: Handler, entry: StreamEntry): void {
    const previous = this.chains.get(jobId) ?? Promise.resolve();
    const next = previous.then(() => handler(entry).catch((e: unknown) => this.warn(String(e))));
    this.chains.set(jobId, next);
    void next.then(() => {
      if (this.chains.get(jobId) === next) this.chains.delete(jobId);
    });
  }

  /** Every entry handed out so far is handled. */
  private async settled(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }
}
