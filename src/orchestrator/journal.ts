import { mkdir, open, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent, RunEventBody } from '../events.js';
import { readJournalFile } from './journal-file.js';
import { createRedactor, redactDeep } from '../util/redact.js';

export type { Redactor } from '../util/redact.js';
import type { Redactor } from '../util/redact.js';
export type EventListener = (event: RunEvent) => void;

export interface JournalOptions {
  /** Applied to every string in an event before it is written or published (API keys, tokens). */
  redact?: Redactor;
  now?: () => Date;
}

/**
 * The run's append-only event log and its in-process bus. Appends are queued and written in
 * batches, each batch one write and one fsync (group commit): an `append` resolves only once its
 * event is durable, so nothing a caller acted upon can be lost in a crash. Listeners receive each
 * event after it is durable, in `seq` order.
 */
export class Journal {
  readonly runId: string;
  readonly dir: string;
  readonly file: string;
  private readonly handle: FileHandle;
  private readonly events: RunEvent[];
  private readonly listeners = new Set<EventListener>();
  private readonly redact: Redactor;
  private readonly now: () => Date;
  private nextSeq: number;
  private pending: { event: RunEvent; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  private broken: unknown;

  private constructor(
    runId: string,
    dir: string,
    handle: FileHandle,
    events: RunEvent[],
    options: JournalOptions,
  ) {
    this.runId = runId;
    this.dir = dir;
    this.file = journalPath(dir);
    this.handle = handle;
    this.events = events;
    // Without the run's own redactor, still keep every secret-looking variable of this process out.
    this.redact = options.redact ?? createRedactor(process.env);
    this.now = options.now ?? (() => new Date());
    this.nextSeq = (events.at(-1)?.seq ?? 0) + 1;
  }

  /** Open (or create) the journal of a run in `dir`; existing events are loaded and a torn tail cut off. */
  static async open(dir: string, runId: string, options: JournalOptions = {}): Promise<Journal> {
    await mkdir(dir, { recursive: true });
    const file = journalPath(dir);
    const read = await readJournalFile(file);
    // Cut a torn tail so the next line does not glue onto half a line.
    if (read.tornTail) await truncate(file, read.intactBytes);
    const handle = await open(file, 'a', 0o600);
    return new Journal(runId, dir, handle, read.events, options);
  }

  /** Append one event; resolves with the journaled event once it is on disk. */
  append(body: RunEventBody): Promise<RunEvent> {
    if (this.closed) return Promise.reject(new Error(`journal of run ${this.runId} is closed`));
    if (this.broken !== undefined) return Promise.reject(this.broken);
    const clean = redactDeep(body, this.redact);
    const event = {
      ...clean,
      seq: this.nextSeq,
      time: this.now().toISOString(),
      runId: this.runId,
    } as RunEvent;
    this.nextSeq += 1;
    return new Promise<RunEvent>((resolve, reject) => {
      this.pending.push({ event, resolve: () => resolve(event), reject });
      this.flushing ??= this.flush();
    });
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every durable event so far (the TUI's EventSource). */
  history(): RunEvent[] {
    return [...this.events];
  }

  /** Waits for queued appends, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.flushing) await this.flushing;
    this.closed = true;
    await this.handle.close();
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.handle.write(batch.map((entry) => `${JSON.stringify(entry.event)}\n`).join(''));
        await this.handle.sync();
      } catch (error) {
        // A failed write may leave half a line: refuse further appends rather than corrupt the log.
        this.broken = error;
        for (const entry of [...batch, ...this.pending]) entry.reject(error);
        this.pending = [];
        break;
      }
      for (const entry of batch) {
        this.events.push(entry.event);
        for (const listener of this.listeners) {
          try {
            listener(entry.event);
          } catch {
            // A broken listener must not stop the journal or the other listeners.
          }
        }
        entry.resolve();
      }
    }
    this.flushing = undefined;
  }
}

export function journalPath(dir: string): string {
  return join(dir, 'events.jsonl');
}
