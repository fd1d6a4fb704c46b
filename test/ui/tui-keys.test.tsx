import { EventEmitter } from 'node:events';
import { expect, it, vi } from 'vitest';
import { useState, type ReactNode } from 'react';
import { render, Text } from 'ink';
import { inkOptions } from '../../src/ui/tui.js';

/** A terminal as runTui sees one: a TTY that records writes, and a keyboard nobody types on. */
class Terminal extends EventEmitter {
  isTTY = true;
  columns = 120;
  rows = 30;
  writes: string[] = [];
  write(data: string, callback?: () => void): boolean {
    this.writes.push(data);
    this.emit('wrote', data);
    callback?.();
    return true;
  }
}
class Keyboard extends EventEmitter {
  isTTY = true;
  read(): null {
    return null;
  }
  setRawMode(): void {}
  setEncoding(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

const nextWrite = (terminal: Terminal, text = ''): Promise<void> =>
  new Promise((resolve) => {
    const onWrite = (data: string): void => {
      if (!data.includes(text)) return;
      terminal.off('wrote', onWrite);
      resolve();
    };
    terminal.on('wrote', onWrite);
  });

it('holds a frame that follows another by at most 4 ms, not a 60/s interval (the keys of the dashboard)', async () => {
  // Fake clocks for Ink's throttle (setImmediate and microtasks stay real).
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  let show = (_text: string): void => undefined;
  function Shown(): ReactNode {
    const [text, setText] = useState('start');
    show = setText;
    return <Text>{text}</Text>;
  }
  const terminal = new Terminal();
  const instance = render(<Shown />, {
    ...inkOptions,
    stdout: terminal as unknown as NodeJS.WriteStream,
    stdin: new Keyboard() as unknown as NodeJS.ReadStream,
    interactive: true,
    patchConsole: false,
  });
  try {
    vi.advanceTimersByTime(1000);
    // A frame (a batch's, say) is drawn at once...
    const first = nextWrite(terminal, 'first');
    show('first');
    await first;
    // ...and what comes right after it (a key), while Ink's timer for that frame is pending, waits
    // for that timer: 4 ms at 250/s, 17 ms at 60/s.
    const shownAt = Date.now();
    let drawnAt = NaN;
    void nextWrite(terminal, 'second').then(() => (drawnAt = Date.now()));
    show('second');
    // React commits it (a turn of the real event loop), then 5 ms pass on Ink's clock.
    await new Promise((resolve) => setImmediate(resolve));
    vi.advanceTimersByTime(5);
    await new Promise((resolve) => setImmediate(resolve));
    expect(drawnAt - shownAt).toBeLessThanOrEqual(5);
  } finally {
    instance.unmount();
    vi.useRealTimers();
  }
});
