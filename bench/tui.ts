/**
 * bench/tui: 50 agents, 1,000 events/s in total (both arguments), rendered into a real pseudo-terminal
 * (tmux, 160x45), where the agents pane shows about half of the agents and scrolls.
 * Phase 1 (20 s): the load alone -> CPU of the UI process (/proc stat) and bytes/s it writes to the
 * terminal (/proc io wchar). Phase 2 (as long): the same load plus a key every 500 ms -> key-to-frame
 * latency, end to end through tmux (a control-mode client sends the keys and reads the screen) and
 * inside the process (bench/key-probe.mjs); the keys cycle j, k, End, Home, so half of them scroll
 * the agents pane from one end to the other. Then idle CPU, with
 * agents running silently and after the run finished. The batched dashboard runs against a baseline
 * that re-renders on every event. Run: npx tsx bench/tui.ts [seconds=20] [agents=50] [events/s=1000]
 * (BENCH_MODES=batched: the batched dashboard alone).
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunEvent, RunEventBody } from '../src/events.js';
import { agentIds, loadEvent, runStart } from './tui-load.js';

function count(index: number, fallback: number, name: string): number {
  const value = Number(process.argv[index] ?? fallback);
  if (!Number.isInteger(value) || value < 2) {
    process.stderr.write(
      `bench/tui: ${name} must be a whole number of at least 2, not ${process.argv[index]}\n`,
    );
    process.exit(2);
  }
  return value;
}

const seconds = count(2, 20, 'seconds');
const agentCount = count(3, 50, 'agents');
const eventsPerSecond = count(4, 1000, 'events/s');
// As long as phase 1: 40 keys at 20 s, so the p95 is the second slowest key, not the slowest of 20.
const keySeconds = seconds;
const agents = agentIds(agentCount);
const firstAgent = agents[0] ?? 'agent-01';
const lastAgent = agents.at(-1) ?? firstAgent;
/** The keys of phase 2, in turn, and the agent whose activity each one brings up. */
const keyCycle = [
  { key: 'j', shows: agents[1] ?? firstAgent },
  { key: 'k', shows: firstAgent },
  { key: 'End', shows: lastAgent },
  { key: 'Home', shows: firstAgent },
];
const root = fileURLToPath(new URL('..', import.meta.url));
const clockTicks = 100;

let seq = 0;
function line(body: RunEventBody): string {
  seq += 1;
  const event = { ...body, seq, time: new Date().toISOString(), runId: 'bench' } as RunEvent;
  return JSON.stringify(event) + '\n';
}

function header(): string {
  return runStart(agents).map(line).join('');
}

function tmux(socket: string, args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

function written(pid: number): number {
  const match = /wchar: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  return Number(match?.[1] ?? 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A tmux control-mode client (`tmux -C`, https://github.com/tmux/tmux/wiki/Control-Mode): keys and
 * screen captures go over one pipe to the tmux server, so polling the pane costs no process per
 * look (a `tmux capture-pane` spawned every few ms took a good part of one of the 2 cores, from
 * the UI being measured). Each command's reply is a %begin/%end block flagged 1 (ours), in order.
 */
class TmuxControl {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: ((output: string) => void)[] = [];
  private block: string[] | undefined;
  private rest = '';
  readonly attached: Promise<void>;

  constructor(socket: string) {
    this.child = spawn('tmux', ['-L', socket, '-C', 'attach-session', '-t', 'main']);
    this.child.stdout.setEncoding('utf8');
    let attached = (): void => undefined;
    this.attached = new Promise((resolve) => (attached = resolve));
    this.child.stdout.on('data', (chunk: string) => {
      const lines = (this.rest + chunk).split('\n');
      this.rest = lines.pop() ?? '';
      for (const line of lines) {
        if (this.block) {
          if (/^%(end|error) \d+ \d+ 1$/.test(line)) {
            const output = this.block.join('\n');
            this.block = undefined;
            this.replies.shift()?.(output);
          } else this.block.push(line);
        } else if (/^%begin \d+ \d+ 1$/.test(line)) this.block = [];
        else if (line.startsWith('%session-changed')) attached();
      }
    });
  }

  command(args: string): Promise<string> {
    return new Promise((resolve) => {
      this.replies.push(resolve);
      this.child.stdin.write(args + '\n');
    });
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

async function waitForPane(control: TmuxControl, text: string, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if ((await control.command('capture-pane -p -t main')).includes(text)) return performance.now() - start;
    await sleep(1);
  }
  throw new Error(`pane never showed ${text}`);
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? NaN;
}

interface Result {
  mode: string;
  events: number;
  cpuCores: number;
  bytesPerSecond: number;
  keyP95Ms: number;
  keyMedianMs: number;
  keyInProcessP95Ms: number;
  idleCpuPercent: number;
  idleFinishedCpuPercent: number;
}

async function measure(mode: 'batched' | 'per-event'): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-bench-tui-'));
  const journal = join(dir, 'events.jsonl');
  seq = 0;
  writeFileSync(journal, header());
  const socket = `maestro-bench-${process.pid}-${mode}`;
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  tmux(socket, [
    '-f',
    '/dev/null',
    'new-session',
    '-e',
    `MAESTRO_BENCH_PIDFILE=${join(dir, 'pid')}`,
    // As bin/maestro.js runs it: React's production build.
    '-e',
    'NODE_ENV=production',
    '-e',
    `MAESTRO_BENCH_KEYLOG=${join(dir, 'keys.log')}`,
    // BENCH_PROFILE=DIR writes a CPU profile of the UI process there (it quits cleanly at the end).
    '-e',
    `NODE_OPTIONS=--import=${join(root, 'bench', 'key-probe.mjs')}${process.env.BENCH_PROFILE ? ` --cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE}` : ''}`,
    '-d',
    '-s',
    'main',
    '-x',
    '160',
    '-y',
    '45',
    tsx,
    join(root, 'bench', 'tui-ui.tsx'),
    journal,
    mode,
  ]);
  const control = new TmuxControl(socket);
  try {
    await control.attached;
    // Replies only: the pane's output is not streamed to this client.
    await control.command('refresh-client -f no-output');
    await waitForPane(control, 'Activity · agent-01', 30_000);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    process.stderr.write(`${mode}: UI pid ${pid}\n`);
    // BENCH_PIPE=FILE keeps what the UI wrote to the terminal, for inspection.
    if (process.env.BENCH_PIPE)
      tmux(socket, ['pipe-pane', '-o', '-t', 'main', `cat > ${process.env.BENCH_PIPE}.${mode}`]);
    const cpu0 = cpuSeconds(pid);
    const bytes0 = written(pid);
    const t0 = performance.now();
    let sent = 0;
    const pump = (): void => {
      const due = Math.floor(((performance.now() - t0) / 1000) * eventsPerSecond);
      let chunk = '';
      while (sent < due) chunk += line(loadEvent(agents, sent++));
      if (chunk) appendFileSync(journal, chunk);
    };
    // Phase 1: the load alone, for CPU and bytes.
    while (performance.now() - t0 < seconds * 1000) {
      pump();
      await sleep(10);
    }
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = (cpuSeconds(pid) - cpu0) / elapsed;
    const bytes = (written(pid) - bytes0) / elapsed;
    // Phase 2: the same load, plus a key every 500 ms, for key-to-frame latency.
    const latencies: number[] = [];
    let turn = 0;
    const t1 = performance.now();
    let nextKey = t1;
    while (performance.now() - t1 < keySeconds * 1000) {
      pump();
      if (performance.now() >= nextKey) {
        const start = performance.now();
        const step = keyCycle[turn % keyCycle.length] ?? { key: 'j', shows: firstAgent };
        await control.command(`send-keys -t main ${step.key}`);
        await waitForPane(control, `Activity · ${step.shows} `, 5000);
        latencies.push(performance.now() - start);
        turn += 1;
        nextKey = performance.now() + 500;
      }
      await sleep(10);
    }
    const inProcess = readFileSync(join(dir, 'keys.log'), 'utf8').trim().split('\n').map(Number);
    // Idle while agents run but say nothing (the 1 Hz clock still ticks), then once the run finished.
    const idleCpu = async (): Promise<number> => {
      await sleep(1000);
      const idle0 = cpuSeconds(pid);
      const i0 = performance.now();
      // Long enough for the 10 ms resolution of /proc CPU times to read 0.1 %.
      await sleep(10_000);
      return (cpuSeconds(pid) - idle0) / ((performance.now() - i0) / 1000);
    };
    const idle = await idleCpu();
    let done = '';
    for (const id of agents)
      done += line({ type: 'task.merged', taskId: id, commit: 'c', resultBranch: 'r' });
    done += line({
      type: 'run.finished',
      status: 'merged',
      merged: agents,
      failed: [],
      conflicted: [],
      costUsd: 1,
      durationMs: 1,
    });
    appendFileSync(journal, done);
    await waitForPane(control, 'finished: merged', 5000);
    const idleFinished = await idleCpu();
    const sorted = [...latencies].sort((a, b) => a - b);
    // Quit as a user would (nothing runs any more, so q quits at once), and wait for the process to end.
    await control.command('send-keys -t main q');
    const quitStart = performance.now();
    while (existsSync(`/proc/${pid}`) && performance.now() - quitStart < 10_000) await sleep(20);
    return {
      mode,
      events: sent,
      cpuCores: cpu,
      bytesPerSecond: bytes,
      keyP95Ms: p95(latencies),
      keyMedianMs: sorted[Math.floor(sorted.length / 2)] ?? NaN,
      keyInProcessP95Ms: p95(inProcess),
      idleCpuPercent: idle * 100,
      idleFinishedCpuPercent: idleFinished * 100,
    };
  } finally {
    control.close();
    try {
      tmux(socket, ['kill-server']);
    } catch {
      // The session ended with the UI.
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

// BENCH_MODES=batched runs the product's mode alone (repeat runs without the slow baseline).
const modes = (process.env.BENCH_MODES ?? 'batched,per-event').split(',');
const results: Result[] = [];
for (const mode of ['batched', 'per-event'] as const)
  if (modes.includes(mode)) results.push(await measure(mode));
process.stdout.write(
  `bench/tui: ${agentCount} agents, ${eventsPerSecond} events/s for ${seconds} s, 160x45 tmux pane\n`,
);
process.stdout.write(
  'mode        events  cpu(cores)  KB/s   tmux key p50/p95 ms  in-process key p95 ms  idle % (agents silent / run finished)\n',
);
for (const r of results) {
  process.stdout.write(
    `${r.mode.padEnd(10)}  ${String(r.events).padStart(6)}  ${r.cpuCores.toFixed(3).padStart(10)}  ${(r.bytesPerSecond / 1024).toFixed(1).padStart(5)}  ${`${r.keyMedianMs.toFixed(1)}/${r.keyP95Ms.toFixed(1)}`.padStart(19)}  ${r.keyInProcessP95Ms.toFixed(1).padStart(21)}  ${r.idleCpuPercent.toFixed(2).padStart(10)} / ${r.idleFinishedCpuPercent.toFixed(2)}\n`,
  );
}
process.stdout.write('targets: cpu <= 0.35 cores, <= 30 KB/s, key p95 < 50 ms, idle < 1 %\n');
