import { watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { RunEvent } from '../../events.js';
import type { EventSource } from '../run-control.js';

/**
 * Follows a run's journal (`events.jsonl`, one event a line) as an EventSource. A torn last line is
 * held back until its newline arrives; a line that does not parse is skipped. New bytes are noticed
 * by fs.watch at once, with a slow poll behind it for filesystems that do not report appends.
 * The file stays open while followed and each wake-up is one read call: at 1,000 events a second
 * fs.watch wakes it a hundred times a second, and an open, a stat and a close around every read
 * took a third of its CPU (bench/tui).
 */
export class JournalFollower implements EventSource {
  private readonly events: RunEvent[] = [];
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private offset = 0;
  private partial = '';
  private handle: FileHandle | undefined;
  /** Keeps a character whose bytes are not all written yet for the next read. */
  private readonly decoder = new StringDecoder('utf8');
  private readonly chunk = Buffer.allocUnsafe(64 * 1024);
  private reading: Promise<void> | undefined;
  private again = false;
  private watcher: FSWatcher | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  skipped = 0;

  constructor(
    readonly file: string,
    private readonly options: { pollMs?: number } = {},
  ) {}

  /** Reads what the journal holds now, then keeps following it. */
  async start(): Promise<void> {
    const handle = await open(this.file, 'r');
    if (this.closed) {
      await handle.close();
      return;
    }
    this.handle = handle;
    await this.read();
    if (this.closed) return;
    try {
      this.watcher = watch(this.file, () => this.poke());
      this.watcher.on('error', () => undefined);
    } catch {
      // The poll below still follows the file.
    }
    this.timer = setInterval(() => this.poke(), this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  history(): RunEvent[] {
    return [...this.events];
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    this.listeners.clear();
    const handle = this.handle;
    this.handle = undefined;
    // After a read in flight, which still holds the handle.
    void (this.reading ?? Promise.resolve())
      .catch(() => undefined)
      .finally(() => handle?.close().catch(() => undefined));
  }

  private poke(): void {
    if (this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.read().catch(() => undefined);
  }

  private async read(): Promise<void> {
    this.reading = this.readNew();
    try {
      await this.reading;
    } finally {
      this.reading = undefined;
    }
    if (this.again && !this.closed) {
      this.again = false;
      await this.read();
    }
  }

  /** Reads what was appended since the last read, a chunk at a time: one read call when little was. */
  private async readNew(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    for (;;) {
      const { bytesRead } = await handle.read(this.chunk, 0, this.chunk.length, this.offset);
      if (bytesRead === 0) return;
      this.offset += bytesRead;
      const lines = (this.partial + this.decoder.write(this.chunk.subarray(0, bytesRead))).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) this.accept(line);
      if (bytesRead < this.chunk.length) return;
    }
  }

  private accept(line: string): void {
    if (line.trim() === '') return;
    let event: RunEvent;
    try {
      event = JSON.parse(line) as RunEvent;
    } catch {
      this.skipped += 1;
      return;
    }
    if (typeof event !== 'object' || event === null || typeof event.type !== 'string') {
      this.skipped += 1;
      return;
    }
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
  }
}
