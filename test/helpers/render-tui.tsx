import { EventEmitter } from 'node:events';
import type { ReactElement } from 'react';
import { render } from 'ink';
import stripAnsi from 'strip-ansi';
import { afterEach, vi } from 'vitest';

/** A fake terminal output with a size that tests may change (and a resize event, like a TTY). */
class FakeStdout extends EventEmitter {
  frames: string[] = [];
  written = '';
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (data: string, callback?: () => void): boolean => {
    if (data !== '') {
      this.frames.push(data);
      this.written += data;
    }
    callback?.();
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = (): string | null => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export const keys = {
  up: '\x1b[A',
  down: '\x1b[B',
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  backspace: '\x7f',
  pageDown: '\x1b[6~',
  pageUp: '\x1b[5~',
  home: '\x1b[H',
  end: '\x1b[F',
} as const;

export interface TuiHandle {
  /** The last frame, ANSI stripped. */
  frame(): string;
  /** Presses keys one write at a time. A lone escape is only read ~20 ms later: wait on its frame before the next key. */
  press(...sequence: string[]): Promise<void>;
  waitFor(text: string | RegExp): Promise<string>;
  resize(columns: number, rows: number): void;
  stdout: FakeStdout;
  unmount(): void;
  waitUntilExit(): Promise<unknown>;
}

const mounted: (() => void)[] = [];
afterEach(() => {
  while (mounted.length > 0) mounted.pop()?.();
});

/** Renders an Ink tree into a fake terminal of the given size; unmounted after each test. */
export function renderTui(tree: ReactElement, size: { columns?: number; rows?: number } = {}): TuiHandle {
  const stdout = new FakeStdout(size.columns ?? 120, size.rows ?? 30);
  const stdin = new FakeStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  mounted.push(() => instance.unmount());
  const frame = (): string => stripAnsi(stdout.frames.at(-1) ?? '');
  const waitFor = async (text: string | RegExp): Promise<string> =>
    vi.waitFor(
      () => {
        const current = frame();
        const found = typeof text === 'string' ? current.includes(text) : text.test(current);
        if (!found) throw new Error(`frame does not show ${String(text)}:\n${current}`);
        return current;
      },
      { timeout: 5000, interval: 5 },
    );
  return {
    frame,
    waitFor,
    async press(...sequence) {
      for (const key of sequence) {
        stdin.write(key);
        // One key per write, and a turn of the event loop so Ink reads each on its own.
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    resize(columns, rows) {
      stdout.columns = columns;
      stdout.rows = rows;
      stdout.emit('resize');
    },
    stdout,
    unmount: () => instance.unmount(),
    waitUntilExit: () => instance.waitUntilExit(),
  };
}
