/**
 * What one dashboard frame costs, in process, against a fake 160x45 terminal, with bench/tui's run
 * (50 agents, 20,000 events of history): CPU from the cause of a frame to its write, for a batch of
 * 100 events (0.1 s of bench/tui's load), for j/k (the activity pane shows another agent) and for
 * End/Home (the agents pane scrolls end to end), and how many rows of the screen each one rewrote.
 * It helps explain bench/tui's numbers; the load of other processes matters less here, since it
 * counts this process's CPU alone. Run: NODE_ENV=production npx tsx bench/tui-frame.tsx [frames=60]
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { TuiApp } from '../src/ui/components/App.js';
import type { RunEvent, RunEventBody } from '../src/events.js';
import type { EventSource } from '../src/ui/run-control.js';
import { agentIds, loadEvent, runStart } from './tui-load.js';

class Out extends EventEmitter {
  isTTY = true;
  columns = 160;
  rows = 45;
  writes = 0;
  /** Rows rewritten: Ink's incremental renderer erases to the end of each row it rewrites. */
  rowsWritten = 0;
  private waiter: (() => void) | undefined;
  write(data: string, cb?: () => void): boolean {
    this.writes += 1;
    this.rowsWritten += data.split('\u001b[K').length - 1;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
    cb?.();
    return true;
  }
  nextWrite(): Promise<void> {
    return new Promise((resolve) => (this.waiter = resolve));
  }
}
class In extends EventEmitter {
  isTTY = true;
  private readonly queue: string[] = [];
  setRawMode(): void {}
  setEncoding(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read(): string | null {
    return this.queue.shift() ?? null;
  }
  press(key: string): void {
    this.queue.push(key);
    this.emit('readable');
  }
}

const frameCount = Number(process.argv[2] ?? 60);
if (!Number.isInteger(frameCount) || frameCount < 2) {
  process.stderr.write(
    `bench/tui-frame: frames must be a whole number of at least 2, not ${process.argv[2]}\n`,
  );
  process.exit(2);
}
const agents = agentIds(50);
let seq = 0;
const ev = (body: RunEventBody): RunEvent =>
  ({ ...body, seq: ++seq, time: new Date().toISOString(), runId: 'b' }) as RunEvent;
let sent = 0;
const history: RunEvent[] = runStart(agents).map(ev);
for (let i = 0; i < 20_000; i += 1) history.push(ev(loadEvent(agents, sent++)));
const listeners = new Set<(event: RunEvent) => void>();
const source: EventSource = {
  history: () => history,
  subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
};
const noop = async (): Promise<void> => undefined;
const out = new Out();
const input = new In();
render(
  <TuiApp
    source={source}
    control={{ pause: noop, resume: noop, stop: noop, retry: noop, stopRun: noop, detach: noop }}
  />,
  {
    stdout: out as unknown as NodeJS.WriteStream,
    stdin: input as unknown as NodeJS.ReadStream,
    interactive: true,
    incrementalRendering: true,
    maxFps: 60,
    patchConsole: false,
  },
);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
await sleep(300);

function quantile(values: number[], q: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN).toFixed(1);
}

/** CPU from each step (what causes a frame) to the frame's write; steps 150 ms apart, as the batcher would space them. */
async function measure(label: string, step: (i: number) => void): Promise<void> {
  const cpu: number[] = [];
  const rows0 = out.rowsWritten;
  for (let i = 0; i < frameCount; i += 1) {
    const writes = out.writes;
    const written = out.nextWrite();
    const start = process.cpuUsage();
    step(i);
    if (out.writes === writes) await written;
    const used = process.cpuUsage(start);
    cpu.push((used.user + used.system) / 1000);
    await sleep(150);
  }
  const rows = (out.rowsWritten - rows0) / frameCount;
  process.stdout.write(
    `${label.padEnd(22)} ${quantile(cpu, 0.5).padStart(6)} ${quantile(cpu, 0.95).padStart(6)}  ${rows.toFixed(1).padStart(5)}\n`,
  );
}

process.stdout.write('frame (50 agents, 160x45)  cpu ms p50    p95  rows rewritten\n');
await measure('batch of 100 events', () => {
  for (let k = 0; k < 100; k += 1) {
    const event = ev(loadEvent(agents, sent++));
    for (const listener of listeners) listener(event);
  }
});
await measure('key j / k', (i) => input.press(i % 2 ? 'k' : 'j'));
await measure('key End / Home', (i) => input.press(i % 2 ? '\u001b[H' : '\u001b[F'));
process.exit(0);
