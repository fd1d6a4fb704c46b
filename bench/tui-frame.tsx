/**
 * Cost of one dashboard frame (20 agents, 160x45), in-process: helps explain bench/tui's numbers.
 * Run: NODE_ENV=production npx tsx bench/tui-frame.tsx
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { TuiApp } from '../src/ui/components/App.js';
import type { RunEvent, RunEventBody } from '../src/events.js';
import type { EventSource } from '../src/ui/run-control.js';

class Out extends EventEmitter {
  isTTY = true;
  columns = 160;
  rows = 45;
  bytes = 0;
  write(data: string, cb?: () => void): boolean {
    this.bytes += Buffer.byteLength(data);
    cb?.();
    return true;
  }
}
class In extends EventEmitter {
  isTTY = true;
  setRawMode(): void {}
  setEncoding(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read(): null {
    return null;
  }
}

const agents = Array.from({ length: 20 }, (_, i) => `agent-${String(i + 1).padStart(2, '0')}`);
let seq = 0;
const ev = (body: RunEventBody): RunEvent =>
  ({ ...body, seq: ++seq, time: new Date().toISOString(), runId: 'b' }) as RunEvent;
const history: RunEvent[] = [
  ev({
    type: 'plan.ready',
    source: 'llm',
    plan: {
      objective: 'b',
      tasks: agents.map((id) => ({
        id,
        title: `Work on ${id}`,
        instructions: 'x',
        files: [],
        dependsOn: [],
      })),
    },
  }),
  ...agents.map((id) =>
    ev({
      type: 'task.started',
      taskId: id,
      agentId: id,
      branch: id,
      worktree: '/tmp',
      baseCommit: 'b',
      attempt: 1,
    }),
  ),
];
const listeners = new Set<(event: RunEvent) => void>();
const source: EventSource = {
  history: () => history,
  subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
};
const noop = async (): Promise<void> => undefined;
const out = new Out();
let frames = 0;
render(
  <TuiApp
    source={source}
    control={{ pause: noop, resume: noop, stop: noop, retry: noop, stopRun: noop, detach: noop }}
  />,
  {
    stdout: out as unknown as NodeJS.WriteStream,
    stdin: new In() as unknown as NodeJS.ReadStream,
    interactive: true,
    incrementalRendering: process.env.INCREMENTAL !== '0',
    maxFps: 1000,
    patchConsole: false,
    onRender: () => (frames += 1),
  },
);
await new Promise((resolve) => setTimeout(resolve, 300));
const n = 200;
const cpu0 = process.cpuUsage();
const f0 = frames;
const b0 = out.bytes;
for (let i = 0; i < n; i += 1) {
  for (let k = 0; k < 27; k += 1) {
    const taskId = agents[(i * 27 + k) % 20] ?? 'agent-01';
    for (const listener of listeners) listener(ev({ type: 'agent.text', taskId, text: `tok${i} ` }));
  }
  await new Promise((resolve) => setTimeout(resolve, 70));
}
const cpu = process.cpuUsage(cpu0);
const rendered = frames - f0;
console.log(
  `frames ${rendered}, cpu per frame ${((cpu.user + cpu.system) / 1000 / rendered).toFixed(2)} ms, bytes per frame ${((out.bytes - b0) / rendered).toFixed(0)}`,
);
const idle0 = process.cpuUsage();
const idleFrames = frames;
await new Promise((resolve) => setTimeout(resolve, 5000));
const idle = process.cpuUsage(idle0);
console.log(
  `idle: ${((idle.user + idle.system) / 50000).toFixed(2)} % of a core, ${frames - idleFrames} frames in 5 s`,
);
process.exit(0);
