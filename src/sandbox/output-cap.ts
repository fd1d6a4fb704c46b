/**
 * Keeps the head and the tail of a stream of output and counts what fell in between, so a
 * command that prints megabytes costs a few kilobytes of context.
 */
export class OutputCap {
  private head = '';
  private tail = '';
  private dropped = 0;
  constructor(
    private readonly headChars: number,
    private readonly tailChars: number,
  ) {}

  push(chunk: string): void {
    if (this.head.length < this.headChars) {
      const room = this.headChars - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (chunk === '') return;
    const joined = this.tail + chunk;
    if (joined.length > this.tailChars) {
      this.dropped += joined.length - this.tailChars;
      this.tail = joined.slice(joined.length - this.tailChars);
    } else {
      this.tail = joined;
    }
  }

  toString(): string {
    if (this.dropped === 0) return this.head + this.tail;
    return `${this.head}\n… [${this.dropped} characters omitted] …\n${this.tail}`;
  }
}
