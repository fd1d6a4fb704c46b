import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import type { RunEvent } from '../../events.js';
import type { EventSource } from '../run-control.js';

/**
 * Follows a run's journal (`events.jsonl`, one event a line) as an EventSource. A torn last line is
 * held back until its newline arrives; a line that does not parse is skipped. New bytes are noticed
 * by fs.watch at once, with a slow poll behind it for filesystems that do not report appends.
 */
export class JournalFollower implements EventSource {
  private readonly events: RunEvent[] = [];
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private offset = 0;
  private partial = '';
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

  private async readNew(): Promise<void> {
    const handle = await open(this.file, 'r');
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const text = this.partial + buffer.subarray(0, bytesRead).toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) this.accept(line);
    } finally {
      await handle.close();
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
