// Queue executor against local. Run: npm run build && npx tsx bench/distributed.ts [--tasks 48] [--latency-ms 1500] [--rounds 1]
// The same 48 tasks (built-in agent, fake OpenAI server, a fixed latency per model turn) run
// 1) locally with 8 agents, 2) on the queue: redis-server, a bare remote, 3 `maestro worker`
//    processes with 8 slots each (own data folders), the orchestrator with 24 agents.
// Reports wall times and the queue's own overhead per task, from the journal's times:
// enqueue -> agent start (`queued as job` log -> task.started) and agent finished -> merged (the
// worker's agent.finished, timed when it went into the run's stream -> task.merged: the snapshot
// commit, its push, the head check, the fetch home, the merge), against the local run's;
// and against a local run with as many agents as the queue has slots (the same load on this one
// machine): plan -> first wave started and agent finished -> merged, whose differences are the queue's own steps.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { processTree } from './proc-tree.js';
import type * as M_fake from '../src/llm/fake/index.js';

// The built copy (a path in a variable, so typechecking does not need dist/ to exist).
const fakeModule = '../dist/llm/fake/index.js';
const { startFakeServer } = (await import(fakeModule)) as typeof M_fake;
const launcher = fileURLToPath(new URL('../bin/maestro.js', import.meta.url));
const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const TASKS = arg('--tasks', 48);
const LATENCY = arg('--latency-ms', 1500);
const ROUNDS = arg('--rounds', 1);
const WORKERS = 3;
const SLOTS = 8;
const LOCAL_AGENTS = 8;

const made: string[] = [];
const tmp = (prefix: string): string => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
};
const git = (cwd: string, args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
const waitOutput = (child: ChildProcess, text: string): Promise<void> =>
  new Promise((resolve, reject) => {
    let seen = '';
    const on = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (seen.includes(text)) resolve();
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.on('exit', () => reject(new Error(`exited before "${text}": ${seen}`)));
  });

interface Event {
  type: string;
  taskId?: string;
  time: string;
  message?: string;
  runId?: string;
}

/**
 * CPU ticks spent so far by everything under this bench but the bench itself (whose fake server
 * answers every run alike): the runs that ended (their orchestrators and all they started, reaped)
 * and the processes alive under it (workers with their hosts and git, Redis). The difference over
 * a run is that run's cost on this machine, local or queued.
 */
function machineTicks(): number {
  return processTree(process.pid).reduce(
    (sum, p) => sum + (p.pid === process.pid ? p.childTicks : p.cpuTicks + p.childTicks),
    0,
  );
}
const ticksPerSecond = 100;

function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ events: Event[]; ms: number; cpuMs: number }> {
  const started = Date.now();
  const ticks = machineTicks();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], { cwd, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`maestro ${args.join(' ')} exited ${code}: ${err}`));
      const events = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Event);
      resolve({
        events,
        ms: Date.now() - started,
        cpuMs: ((machineTicks() - ticks) * 1000) / ticksPerSecond,
      });
    });
  });
}

function repoWith(config: Record<string, unknown>): string {
  const repo = tmp('maestro-bench-dist-repo-');
  git(repo, ['init', '-q', '-b', 'main']);
  writeFileSync(join(repo, 'README.md'), '# bench\n');
  writeFileSync(
    join(repo, '.maestrorc.json'),
    JSON.stringify({ worktreeDir: tmp('maestro-bench-dist-wt-'), ...responsesApi, ...config }),
  );
  git(repo, ['add', '-A']);
  git(repo, ['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-qm', 'init']);
  return repo;
}

// The fake is a custom baseURL (Chat Completions by default); the default model needs Responses for tools.
const responsesApi = { providers: { openai: { api: 'responses' } } };

const ids = Array.from({ length: TASKS }, (_, i) => `t${i + 1}`);
const planFile = join(tmp('maestro-bench-dist-plan-'), 'plan.json');
writeFileSync(
  planFile,
  JSON.stringify({
    objective: 'fan out',
    tasks: ids.map((id) => ({
      id,
      title: id,
      instructions: `Write out/${id}.txt.`,
      files: [`out/${id}.txt`],
      dependsOn: [],
    })),
  }),
);
const server = await startFakeServer(
  {
    tokenLatencyMs: 0,
    rules: ids.flatMap((id) => [
      {
        match: { anyMessage: `(id ${id})`, turn: 0 },
        reply: {
          toolCalls: [{ name: 'write_file', arguments: { path: `out/${id}.txt`, content: `${id}\n` } }],
          latencyMs: LATENCY,
        },
      },
      {
        match: { anyMessage: `(id ${id})`, turn: 1 },
        reply: { toolCalls: [{ name: 'finish', arguments: { summary: id } }] },
      },
    ]),
    fallback: { text: 'unexpected' },
  },
  { port: 0 },
);
const llmEnv = { OPENAI_BASE_URL: server.openaiBaseURL, OPENAI_API_KEY: 'sk-bench-fake-key-000000' };
const at = (e: Event | undefined): number => Date.parse(e?.time ?? 'x');
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const lastOf = (events: Event[], type: string, id: string): Event | undefined =>
  events.filter((e) => e.type === type && e.taskId === id).at(-1);
/** Median time from the plan to the start of each of the first `wave` tasks to start. */
const firstWaveStart = (events: Event[], wave: number): number => {
  const plan = at(events.find((e) => e.type === 'plan.ready'));
  const starts = events.filter((e) => e.type === 'task.started').map((e) => at(e) - plan);
  return median(starts.sort((a, b) => a - b).slice(0, wave));
};
/**
 * Per task, from its agent's finish to its merge: the snapshot commit, (on the queue) its push and
 * the stream's relay, the head check, the fetch home, the merge. `finished` overrides when a task's
 * agent finished (the queue's: when the worker published it, not when the journal got it).
 */
const finishToMerge = (events: Event[], finished = new Map<string, number>()): number[] =>
  ids.map(
    (id) =>
      at(lastOf(events, 'task.merged', id)) - (finished.get(id) ?? at(lastOf(events, 'agent.finished', id))),
  );

/** When each task's agent.finished entry went into the run's stream (its id's time, Redis's clock). */
async function publishedFinishes(redisUrl: string, events: Event[]): Promise<Map<string, number>> {
  const runId = events.find((e) => e.type === 'run.started')?.runId;
  const redis = new Redis(redisUrl);
  try {
    const entries = (await redis.xrange(`maestro:run:${runId}:events`, '-', '+')) as [string, string[]][];
    const finished = new Map<string, number>();
    for (const [id, fields] of entries) {
      const body = JSON.parse(fields[fields.indexOf('body') + 1] ?? '{}') as {
        type?: string;
        taskId?: string;
      };
      if (body.type === 'agent.finished' && body.taskId) finished.set(body.taskId, Number(id.split('-')[0]));
    }
    return finished;
  } finally {
    redis.disconnect();
  }
}

/**
 * Where a queued task's time goes, from three clocks on this one machine: the journal (the
 * orchestrator's), the BullMQ job hash (added, taken by a worker) and the run stream's entry ids
 * (when a worker published each event).
 */
async function printPhases(redisUrl: string, events: Event[]): Promise<void> {
  const runId = events.find((e) => e.type === 'run.started')?.runId;
  if (!runId) return;
  const redis = new Redis(redisUrl);
  try {
    const entries = (await redis.xrange(`maestro:run:${runId}:events`, '-', '+')) as [string, string[]][];
    const published = new Map<string, number>();
    for (const [id, fields] of entries) {
      const field = (name: string) => fields[fields.indexOf(name) + 1] ?? '';
      const body = JSON.parse(field('body')) as { type?: string; taskId?: string; kind?: string };
      const job = field('job');
      const what = field('kind') === 'end' ? 'end' : (body.type ?? '');
      published.set(`${job} ${what}`, Number(id.split('-')[0]));
    }
    const rows: Record<string, number[]> = {};
    const add = (name: string, ms: number) => Number.isFinite(ms) && (rows[name] ??= []).push(ms);
    for (const id of ids) {
      const queuedLog = events.find(
        (e) => e.type === 'log' && e.message?.startsWith(`task ${id} queued as job`),
      );
      const jobId = queuedLog?.message?.split(' ').at(-1) ?? '';
      const job = await redis.hgetall(`maestro:maestro:${jobId}`);
      const pub = (what: string) => published.get(`${jobId} ${what}`) ?? NaN;
      add('journal queued -> job added', Number(job.timestamp) - at(queuedLog));
      add('job added -> taken by a worker', Number(job.processedOn) - Number(job.timestamp));
      add('taken -> worker publishes task.started', pub('task.started') - Number(job.processedOn));
      add('published -> journal task.started', at(lastOf(events, 'task.started', id)) - pub('task.started'));
      add('worker: task.committed -> end', pub('end') - pub('task.committed'));
      add(
        'published -> journal task.committed',
        at(lastOf(events, 'task.committed', id)) - pub('task.committed'),
      );
      add('end published -> journal task.merged', at(lastOf(events, 'task.merged', id)) - pub('end'));
    }
    console.log('  where a queued task waits (median / max ms):');
    for (const [name, ms] of Object.entries(rows))
      console.log(`    ${name.padEnd(42)} ${median(ms)} / ${Math.max(...ms)}`);
  } finally {
    redis.disconnect();
  }
}

interface Round {
  local: number;
  queue: number;
  wide: number;
  enqueueToStart: number;
  finishToMerge: number;
  localFinishToMerge: number;
  sameLoadStart: number;
  sameLoadEnd: number;
  /** CPU a task over the whole run (every process of it on this machine), local 8, local 24, queue. */
  localCpu: number;
  wideCpu: number;
  queueCpu: number;
}

/** One round: local with 8 agents, local with as many agents as the queue has slots, the queue. */
async function oneRound(redisUrl: string, remote: string): Promise<Round & { queued: Event[] }> {
  const local = await runCli(
    ['run', '--plan', planFile, '--json', '--agents', String(LOCAL_AGENTS)],
    repoWith({}),
    llmEnv,
  );
  // Local at the queue's parallelism: what this one machine does with as many agents at once, so
  // the queue's own steps are told apart from 24 agents sharing its cores.
  const wide = await runCli(
    ['run', '--plan', planFile, '--json', '--agents', String(WORKERS * SLOTS)],
    repoWith({}),
    llmEnv,
  );
  const queueRepo = repoWith({});
  git(queueRepo, ['push', '-q', '--force', remote, 'main']);
  const queueRc = { executor: { kind: 'queue', redis: redisUrl, remote } };
  writeFileSync(
    join(queueRepo, '.maestrorc.json'),
    JSON.stringify({ worktreeDir: tmp('maestro-bench-dist-wt-'), ...responsesApi, ...queueRc }),
  );
  const queued = await runCli(
    ['run', '--plan', planFile, '--json', '--agents', String(WORKERS * SLOTS)],
    queueRepo,
    { OPENAI_API_KEY: 'sk-orchestrator-only-0000' },
  );
  for (const [name, run] of [
    ['local', local],
    ['local wide', wide],
    ['queue', queued],
  ] as const) {
    const merged = run.events.filter((e) => e.type === 'task.merged').length;
    if (merged !== TASKS) throw new Error(`${name} run merged ${merged} of ${TASKS} tasks`);
  }
  const enqueueToStart = ids.map((id) => {
    const enq = queued.events.find(
      (e) => e.type === 'log' && e.message?.startsWith(`task ${id} queued as job`),
    );
    return at(queued.events.find((e) => e.type === 'task.started' && e.taskId === id)) - at(enq);
  });
  const wave = WORKERS * SLOTS;
  const queueEnd = median(finishToMerge(queued.events, await publishedFinishes(redisUrl, queued.events)));
  return {
    queued: queued.events,
    local: local.ms,
    queue: queued.ms,
    wide: wide.ms,
    enqueueToStart: median(enqueueToStart),
    finishToMerge: queueEnd,
    localFinishToMerge: median(finishToMerge(local.events)),
    sameLoadStart: firstWaveStart(queued.events, wave) - firstWaveStart(wide.events, wave),
    sameLoadEnd: queueEnd - median(finishToMerge(wide.events)),
    localCpu: Math.round(local.cpuMs / TASKS),
    wideCpu: Math.round(wide.cpuMs / TASKS),
    queueCpu: Math.round(queued.cpuMs / TASKS),
  };
}

const children: ChildProcess[] = [];
try {
  const port = await freePort();
  const redis = spawn('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  children.push(redis);
  await waitOutput(redis, 'Ready to accept connections');
  const redisUrl = `redis://127.0.0.1:${port}`;
  const remote = join(tmp('maestro-bench-dist-remote-'), 'r.git');
  git(tmp('maestro-bench-dist-init-'), ['init', '-q', '--bare', remote]);
  for (let w = 1; w <= WORKERS; w += 1) {
    const worker = spawn(
      process.execPath,
      [
        launcher,
        'worker',
        '--redis',
        redisUrl,
        '--remote',
        remote,
        '--name',
        `w${w}`,
        '--data',
        tmp(`maestro-bench-dist-w${w}-`),
        '--slots',
        String(SLOTS),
      ],
      { env: { ...process.env, ...llmEnv } },
    );
    children.push(worker);
    await waitOutput(worker, 'taking jobs');
  }
  const rounds: Round[] = [];
  let last: Event[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const { queued, ...measured } = await oneRound(redisUrl, remote);
    rounds.push(measured);
    last = queued;
    if (ROUNDS > 1)
      console.log(
        `round ${round}: local ${measured.local} ms, local wide ${measured.wide} ms, queue ${measured.queue} ms, the queue's own overhead ${measured.sameLoadStart + measured.sameLoadEnd} ms per task (start ${measured.sameLoadStart}, end ${measured.sameLoadEnd}); CPU a task: local wide ${measured.wideCpu} ms, queue ${measured.queueCpu} ms`,
      );
  }
  const mid = (key: keyof Round): number => median(rounds.map((r) => r[key]));
  const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ')[0];
  console.log(
    `distributed bench: ${TASKS} tasks, ${LATENCY} ms per first model turn, ${ROUNDS} round(s) (medians), load ${load}`,
  );
  console.log(`  local   ${LOCAL_AGENTS} agents:            ${(mid('local') / 1000).toFixed(1)} s wall`);
  console.log(
    `  queue   ${WORKERS} workers x ${SLOTS} slots:     ${(mid('queue') / 1000).toFixed(1)} s wall`,
  );
  console.log(`  ratio   local / queue wall: ${(mid('local') / mid('queue')).toFixed(2)}x`);
  console.log(
    `  queue per task (median): enqueue -> agent start ${mid('enqueueToStart')} ms, agent finished -> merged ${mid('finishToMerge')} ms; local agent finished -> merged ${mid('localFinishToMerge')} ms`,
  );
  console.log(
    `  against local with ${WORKERS * SLOTS} agents (${(mid('wide') / 1000).toFixed(1)} s wall), the same load on this machine: plan -> first wave started +${mid('sameLoadStart')} ms, agent finished -> merged +${mid('sameLoadEnd')} ms`,
  );
  console.log(
    `  CPU a task, every process of the run on this machine (the bench's fake server aside): local ${LOCAL_AGENTS} agents ${mid('localCpu')} ms, local ${WORKERS * SLOTS} agents ${mid('wideCpu')} ms, queue ${mid('queueCpu')} ms`,
  );
  const own = median(rounds.map((r) => r.sameLoadStart + r.sameLoadEnd));
  console.log(`  the queue's own overhead per task: ${own} ms (goal < 500 ms)`);
  await printPhases(redisUrl, last);
} finally {
  for (const child of children) child.kill('SIGKILL');
  await server.close();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
}
