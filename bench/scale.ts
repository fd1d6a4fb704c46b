// Hundreds of tasks on one machine. Run: npm run build && npx tsx bench/scale.ts [--tasks 250]
//   [--agents 50] [--seconds 4] [--modules 250] [--files-per-module 20] [--only external|builtin] [--profile]
//   [--git-calls] [--worktrees-in DIR] [--events FILE]
// A generated repository (5,000 files, ~150k lines in 250 modules), one task per module
// (`maestro run --each 'mod*/index.js'`), 50 agents, through the real CLI:
//   1) external command agents that take a fixed T seconds and append a line to their module;
//   2) the built-in agent on the fake OpenAI server (two model turns of T/2).
// Reported against ceil(tasks/agents) × T and against a baseline measured here: the same number of
// `sleep T` processes, `agents` at a time, without maestro (what the machine itself gives).
import { phaseLines, type TimedEvent } from './scale-phases.js';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
  chmodSync,
  copyFileSync,
} from 'node:fs';
import { tmpdir, availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type { FakeScenario } from '../src/llm/fake/index.js';
import { startFakeServer } from '../src/llm/fake/index.js';
import { processTree, pssBytes } from './proc-tree.js';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const only = (() => {
  const at = process.argv.indexOf('--only');
  return at === -1 ? null : process.argv[at + 1];
})();
const TASKS = arg('tasks', 250);
const AGENTS = arg('agents', 50);
const T = arg('seconds', 4);
const MODULES = arg('modules', 250);
const PER_MODULE = arg('files-per-module', 20);
const LINES = 30;
const profile = process.argv.includes('--profile');
/** `--worktrees-in DIR`: the worktrees on another filesystem (a tmpfs, to see maestro apart from the disk). */
const worktreesIn = (() => {
  const at = process.argv.indexOf('--worktrees-in');
  return at === -1 ? tmpdir() : (process.argv[at + 1] ?? tmpdir());
})();
/** `--events FILE`: the run's events as JSON lines, for a timeline of where the time went. */
const eventsFile = (() => {
  const at = process.argv.indexOf('--events');
  return at === -1 ? null : (process.argv[at + 1] ?? null);
})();
const bin = join(import.meta.dirname, '..', 'bin', 'maestro.js');
const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
const tmp = (prefix: string): string => realpathSync(mkdtempSync(join(tmpdir(), prefix)));
const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const load = (): string =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const cleanup: string[] = [];

function gitIn(cwd: string, args: string[], input?: string): string {
  return execFileSync(realGit, args, { cwd, input, encoding: 'utf8', maxBuffer: 1 << 30 }).trim();
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

/** `modules` folders of `perModule` files of 30 lines (index.js plus parts), one fast-import stream. */
function generateRepo(): { dir: string; checkoutKb: number } {
  const dir = tmp('maestro-scale-repo-');
  cleanup.push(dir);
  gitIn(dir, ['init', '-q', '-b', 'main']);
  gitIn(dir, ['config', 'user.name', 'Bench']);
  gitIn(dir, ['config', 'user.email', 'bench@example.com']);
  const parts = ['commit refs/heads/main\ncommitter Bench <bench@example.com> 0 +0000\n', data('base')];
  for (let m = 0; m < MODULES; m++) {
    const mod = `mod${String(m).padStart(3, '0')}`;
    for (let f = 0; f < PER_MODULE; f++) {
      const name = f === 0 ? 'index.js' : `part${String(f).padStart(2, '0')}.js`;
      const body = Array.from(
        { length: LINES },
        (_, line) => `export const v${line} = '${mod}/${name} line ${line}'; // ${m * 1000 + f}\n`,
      ).join('');
      parts.push(`M 100644 inline ${mod}/${name}\n${data(body)}`);
    }
  }
  gitIn(dir, ['fast-import', '--quiet'], parts.join(''));
  gitIn(dir, ['reset', '--hard', '-q', 'main']);
  const checkoutKb = Number(
    execFileSync('du', ['-sk', '--exclude=.git', dir], { encoding: 'utf8' }).split('\t')[0],
  );
  return { dir, checkoutKb };
}

/** A `git` first on PATH that counts its calls (one line each) and runs the real one. */
interface GitCounter {
  /** Put first on maestro's PATH (the agents' start log lives here too). */
  dir: string;
  /** Added to maestro's environment. */
  env: Record<string, string>;
  count: () => number;
  /** With `--git-calls`: one line a call, its subcommand and its shell's /proc stat. */
  calls: () => string;
  reset: () => void;
}

/**
 * Counts the git processes maestro starts (and those git starts itself, such as the `reset` of a
 * `worktree add`). By default through git's own trace (GIT_TRACE2 appends a `start` line per
 * process): nothing extra runs. With `--git-calls`, a shell shim in front of git also records each
 * call's CPU; it doubles the processes started, so its run is slower than one without it.
 */
function countingGit(withCpu: boolean): GitCounter {
  const dir = tmp('maestro-scale-bin-');
  cleanup.push(dir);
  const log = join(dir, 'calls');
  writeFileSync(log, '');
  const trace = join(dir, 'trace2');
  writeFileSync(trace, '');
  if (withCpu) {
    // Logs each call's subcommand (past the `-c` pairs) and the shell's /proc stat once git exited
    // (its cutime + cstime are git's CPU): one line, one write, however many calls run at once.
    const script = [
      '#!/bin/sh',
      'sub=; skip=',
      'for a in "$@"; do',
      '  if [ -n "$skip" ]; then skip=; continue; fi',
      '  case "$a" in -c) skip=1 ;; -*) ;; *) sub=$a; break ;; esac',
      'done',
      `'${realGit}' "$@"; rc=$?`,
      'read -r stat < /proc/$$/stat',
      `printf '%s %s\\n' "$sub" "$stat" >> '${log}'`,
      'exit $rc',
    ];
    writeFileSync(join(dir, 'git'), `${script.join('\n')}\n`);
    chmodSync(join(dir, 'git'), 0o755);
  }
  const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n');
  return {
    dir,
    env: withCpu ? {} : { GIT_TRACE2: trace },
    count: () =>
      withCpu ? lines(log).length - 1 : lines(trace).filter((line) => / start /.test(line)).length,
    calls: () => readFileSync(log, 'utf8'),
    reset: () => {
      writeFileSync(log, '');
      writeFileSync(trace, '');
    },
  };
}

/** Per git subcommand: calls and the CPU (user + system) they took, most expensive first. */
function gitCallLines(calls: string): string[] {
  const kinds = new Map<string, { n: number; ms: number }>();
  for (const line of calls.split('\n').filter(Boolean)) {
    const sub = line.slice(0, line.indexOf(' ')) || '?';
    // After the command name's `)`: state is field 0, cutime and cstime fields 13 and 14 (clock ticks).
    const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
    const ms = (Number(fields[13]) + Number(fields[14])) * 10;
    const kind = kinds.get(sub) ?? { n: 0, ms: 0 };
    kinds.set(sub, { n: kind.n + 1, ms: kind.ms + (Number.isFinite(ms) ? ms : 0) });
  }
  return [...kinds]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([sub, { n, ms }]) => `    git ${sub}: ${n} calls, ${fmt(ms)} CPU (${(ms / n).toFixed(1)} ms each)`);
}

/** The machine's own time for the same work: `tasks` × `sleep T`, `agents` at a time, no maestro. */
async function baseline(): Promise<number> {
  const started = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < TASKS) {
      next += 1;
      await new Promise((resolve) =>
        spawn('sh', ['-c', `sleep ${T}`], { stdio: 'ignore' }).on('exit', resolve),
      );
    }
  };
  await Promise.all(Array.from({ length: AGENTS }, lane));
  return performance.now() - started;
}

interface Measured {
  wallMs: number;
  exitCode: number | null;
  merged: number;
  firstStartedMs: number;
  firstAgentMs: number | null;
  peakRss: number;
  peakPss: number;
  peakRssOrchestrator: number;
  hostRss: number[];
  /** Distinct agent host processes seen over the run (one per slot when they are reused). */
  hostsSeen: number;
  peakWorktrees: number;
  endWorktreeKb: number;
  /** How long after maestro exited its worktrees' files were gone. */
  diskFreedMs: number;
  gitCalls: number;
  /** CPU of the orchestrator's children that exited (git, agents, sandboxes), as last sampled. */
  childrenCpuMs: number;
  orchestratorCpuMs: number;
  /** This script's own CPU while maestro ran (its sampling of /proc; the fake LLM server): it shares the cores. */
  benchCpuMs: number;
}

async function runMaestro(
  repo: string,
  agent: unknown,
  env: Record<string, string>,
  extraArgs: string[],
  agentLog: string | null,
  counter: GitCounter,
): Promise<Measured> {
  const worktreeDir = realpathSync(mkdtempSync(join(worktreesIn, 'maestro-scale-wt-')));
  cleanup.push(worktreeDir);
  writeFileSync(
    join(repo, '.maestrorc.json'),
    JSON.stringify({
      agent,
      worktreeDir,
      // The fake is a custom baseURL (Chat Completions by default); the default model needs Responses for tools.
      // As many requests in flight as agents: OpenAI's default of 8 would measure the limiter, not maestro.
      providers: { openai: { api: 'responses', maxConcurrent: AGENTS } },
      maxAgents: AGENTS,
      commitHooks: false,
      agentLimits: { maxTurns: 4 },
    }),
  );
  counter.reset();
  const profileDir = profile ? tmp('maestro-scale-prof-') : null;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const started = performance.now();
  const startedAt = Date.now();
  const benchCpu = process.cpuUsage();
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      bin,
      // The bench's own config sets agent.command: trusted, as its author would trust it.
      '--trust-config',
      'run',
      '--task',
      'mark every module',
      '--each',
      'mod*/index.js',
      '--agents',
      String(AGENTS),
      '--json',
      ...extraArgs,
    ],
    {
      cwd: repo,
      env: { ...process.env, ...env, ...counter.env, PATH: `${counter.dir}:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const pid = child.pid as number;
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const common = join(repo, '.git', 'worktrees');
  let peakRss = 0;
  let peakPss = 0;
  let ticks = 0;
  let peakRssOrchestrator = 0;
  let peakWorktrees = 0;
  let hostRss: number[] = [];
  const hostPids = new Set<number>();
  let orchestratorTicks = 0;
  let childTicks = 0;
  const sample = (): void => {
    const tree = processTree(pid);
    const sum = tree.reduce((total, info) => total + info.rssBytes, 0);
    peakRss = Math.max(peakRss, sum);
    // PSS splits the pages processes share (the node binary of 50 hosts): once a second, it costs more.
    if (ticks++ % 4 === 0)
      peakPss = Math.max(
        peakPss,
        tree.reduce((total, info) => total + pssBytes(info.pid), 0),
      );
    const self = tree.find((info) => info.pid === pid);
    if (self) {
      peakRssOrchestrator = Math.max(peakRssOrchestrator, self.rssBytes);
      orchestratorTicks = self.cpuTicks;
      // Children that exited, reaped by the orchestrator or by a process still in its tree (the spawn host's gits).
      childTicks = Math.max(
        childTicks,
        tree.reduce((total, info) => total + info.childTicks, 0),
      );
    }
    const hostInfos = tree.filter((info) => /agent\/host/.test(info.cmd));
    for (const info of hostInfos) hostPids.add(info.pid);
    const hosts = hostInfos.map((info) => info.rssBytes);
    if (hosts.length >= hostRss.length) hostRss = hosts;
    const worktrees = readdirSafe(common).length;
    peakWorktrees = Math.max(peakWorktrees, worktrees);
  };
  const timer = setInterval(sample, 250);
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const wallMs = performance.now() - started;
  const { user, system } = process.cpuUsage(benchCpu);
  const events = out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as TimedEvent);
  if (eventsFile) writeFileSync(eventsFile, events.map((e) => JSON.stringify(e)).join('\n'));
  const startedTimes = events.filter((e) => e.type === 'task.started').map((e) => Date.parse(e.time ?? ''));
  let firstAgentMs: number | null = null;
  if (agentLog) {
    const starts = readFileSync(agentLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => Number(line) / 1e6);
    firstAgentMs = starts.length ? Math.min(...starts) - startedAt : null;
  }
  for (const line of phaseLines(events, startedAt)) console.log(line);
  // The last worktrees' files are deleted by a process of their own after maestro exits: the disk
  // is measured once that is done (or after 3 minutes), and how long it took is reported.
  const exitedAt = Date.now();
  // du races the deletion (files vanish under it, so it exits 1): its total is what counts.
  const worktreeKb = (): number =>
    Number(spawnSync('du', ['-sk', worktreeDir], { encoding: 'utf8' }).stdout.split('\t')[0]);
  let endWorktreeKb = worktreeKb();
  while (endWorktreeKb > 1024 && Date.now() - exitedAt < 180_000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    endWorktreeKb = worktreeKb();
  }
  const diskFreedMs = Date.now() - exitedAt;
  if (profileDir) summariseProfile(profileDir);
  if (process.argv.includes('--git-calls'))
    for (const line of gitCallLines(counter.calls())) console.log(line);
  return {
    wallMs,
    exitCode,
    merged: events.filter((e) => e.type === 'task.merged').length,
    firstStartedMs: Math.min(...startedTimes) - startedAt,
    firstAgentMs,
    peakRss,
    peakPss,
    peakRssOrchestrator,
    hostRss,
    hostsSeen: hostPids.size,
    peakWorktrees,
    endWorktreeKb,
    diskFreedMs,
    gitCalls: counter.count(),
    // Clock ticks are 100 a second on Linux.
    orchestratorCpuMs: orchestratorTicks * 10,
    childrenCpuMs: childTicks * 10,
    benchCpuMs: (user + system) / 1000,
  };
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The orchestrator's CPU by function (self time), from its `--cpu-prof` profile. */
function summariseProfile(dir: string): void {
  type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number } };
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) return;
  // Kept for a closer look (Chrome DevTools, or a script): the bench's temp folders go at its end.
  const kept = join(tmpdir(), 'maestro-scale-last.cpuprofile');
  copyFileSync(join(dir, file), kept);
  const prof = JSON.parse(readFileSync(kept, 'utf8')) as {
    nodes: Node[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(prof.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  prof.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const where = frame.url.replace(/^.*\/(node_modules|dist)\//, '$1/');
    const key = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = (self.get('(idle) :0') ?? 0) + (self.get('(program) :0') ?? 0);
  console.log(`  orchestrator profile (${kept}): ${fmt(total - idle)} busy of ${fmt(total)}; top self time:`);
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`    ${ms.toFixed(0).padStart(6)} ms  ${key}`);
  }
}

function report(label: string, m: Measured, ideal: number, base: number, checkoutKb: number): void {
  const hosts = m.hostRss.length
    ? `; agent hosts at peak: ${m.hostRss.length} (${m.hostsSeen} started in all), mean ${mb(m.hostRss.reduce((a, b) => a + b, 0) / m.hostRss.length)}, max ${mb(Math.max(...m.hostRss))}`
    : '';
  console.log(`${label} (exit ${m.exitCode}, ${m.merged}/${TASKS} merged, load ${load()}):`);
  if (m.exitCode !== 0 || m.merged !== TASKS) process.exitCode = 1;
  console.log(
    `  wall ${fmt(m.wallMs)}: ${((ideal / m.wallMs) * 100).toFixed(1)}% of ideal ${fmt(ideal)} (goal ≥ 80%), ${((base / m.wallMs) * 100).toFixed(1)}% of the baseline ${fmt(base)}`,
  );
  console.log(
    `  first task started ${fmt(m.firstStartedMs)}${m.firstAgentMs === null ? '' : `, first agent process ${fmt(m.firstAgentMs)}`}`,
  );
  console.log(
    `  peak RSS, maestro + children: ${mb(m.peakRss)} (goal ≤ 1536 MB), PSS ${mb(m.peakPss)}; orchestrator alone ${mb(m.peakRssOrchestrator)}${hosts}`,
  );
  console.log(
    `  worktrees: peak ${m.peakWorktrees} at once ≈ ${((m.peakWorktrees * checkoutKb) / 1024).toFixed(0)} MB = ${m.peakWorktrees}× the ${(checkoutKb / 1024).toFixed(1)} MB checkout (goal ≤ 60×); after the run ${(m.endWorktreeKb / 1024).toFixed(1)} MB (${fmt(m.diskFreedMs)} after exit)`,
  );
  console.log(
    `  git processes: ${m.gitCalls} (${(m.gitCalls / TASKS).toFixed(1)} a task); orchestrator CPU ${fmt(m.orchestratorCpuMs)} (${((m.orchestratorCpuMs / m.wallMs) * 100).toFixed(0)}% of one core), finished children ${fmt(m.childrenCpuMs)}; this bench's own process (its sampling, and the built-in agent's fake server) ${fmt(m.benchCpuMs)}`,
  );
}

function builtinScenario(repo: string): FakeScenario {
  const ids = execFileSync(realGit, ['ls-files', 'mod*/index.js'], { cwd: repo, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((path) => ({ path, id: path.replace(/[^a-z0-9]+/g, '-') }));
  const half = Math.round((T * 1000) / 2);
  return {
    tokenLatencyMs: 0,
    rules: ids.flatMap(({ path, id }) => [
      {
        match: { anyMessage: `(id ${id})`, turn: 0 },
        reply: {
          toolCalls: [{ name: 'write_file', arguments: { path, content: `export const done = '${id}';\n` } }],
          latencyMs: half,
        },
      },
      {
        match: { anyMessage: `(id ${id})`, turn: 1 },
        reply: { toolCalls: [{ name: 'finish', arguments: { summary: id } }], latencyMs: half },
      },
    ]),
  };
}

try {
  console.log(
    `bench/scale: ${TASKS} tasks, ${AGENTS} agents, T = ${T} s, ${availableParallelism()} cores, load ${load()}`,
  );
  const { dir: repo, checkoutKb } = generateRepo();
  console.log(
    `  repository: ${MODULES * PER_MODULE} files, ${MODULES * PER_MODULE * LINES} lines, checkout ${(checkoutKb / 1024).toFixed(1)} MB`,
  );
  const ideal = Math.ceil(TASKS / AGENTS) * T * 1000;
  const base = await baseline();
  console.log(
    `  baseline (${TASKS} × sleep ${T}, ${AGENTS} at a time, no maestro): ${fmt(base)}, load ${load()}`,
  );
  const counter = countingGit(process.argv.includes('--git-calls'));
  if (only !== 'builtin') {
    const agentLog = join(counter.dir, 'agent-starts');
    writeFileSync(agentLog, '');
    const script = `date +%s%N >> '${agentLog}'; sleep ${T}; echo "// touched by $MAESTRO_TASK_ID" >> "\${MAESTRO_TASK_ID%-index-js}/index.js"`;
    const m = await runMaestro(repo, { command: ['sh', '-c', script] }, {}, [], agentLog, counter);
    report('external command agents', m, ideal, base, checkoutKb);
  }
  if (only !== 'external') {
    const server = await startFakeServer(builtinScenario(repo), { port: 0 });
    try {
      const env = { OPENAI_BASE_URL: server.openaiBaseURL, OPENAI_API_KEY: 'bench-key' };
      const m = await runMaestro(
        repo,
        'builtin',
        env,
        ['--model', 'gpt-4o', '--provider', 'openai'],
        null,
        counter,
      );
      report('built-in agent on the fake server', m, ideal, base, checkoutKb);
    } finally {
      await server.close();
    }
  }
} finally {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
}
