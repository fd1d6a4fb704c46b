import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentSandbox } from '../src/sandbox/sandbox.js';
import { probeSandbox } from '../src/sandbox/probe.js';
import { runConfined, type Confinement } from '../src/sandbox/run.js';

/**
 * bench/sandbox: what starting one command in the OS sandbox costs. The same tiny commands
 * (`true`, and `node -e 0`, a typical tool start) run one after another, unconfined (a plain
 * process group, the baseline) and in bubblewrap under a task's policy (no network, and with a
 * host list, which adds the network bridge: socat listeners inside), alternating per round; medians are compared.
 * Run: npx tsx bench/sandbox.ts [runs=40] [rounds=3]
 */
const runs = Number(process.argv[2] ?? 40);
const rounds = Number(process.argv[3] ?? 3);

const probe = await probeSandbox();
if (!probe.ok) {
  process.stderr.write(`bench/sandbox: no sandbox here (${probe.missing})\n`);
  process.exit(1);
}
const root = mkdtempSync(join(tmpdir(), 'maestro-bench-sbx-'));
const repo = join(root, 'repo');
const git = (args: string[], cwd = repo): void => void execFileSync('git', args, { cwd, stdio: 'ignore' });
execFileSync('git', ['init', '-q', repo]);
git(['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-q', '--allow-empty', '-m', 'init']);
const worktree = join(root, 'wt', 'slot');
git(['worktree', 'add', '-q', '-b', 'bench', worktree]);
const sandbox = new AgentSandbox({
  bwrap: probe.bwrap,
  repo,
  gitCommonDir: join(repo, '.git'),
  worktreeRoot: join(root, 'wt'),
  dependencyDirs: [],
  commandHosts: [],
});
const ways: [string, Confinement][] = [
  ['unconfined', { kind: 'unconfined' }],
  ['sandboxed', await sandbox.confinement(worktree)],
  [
    'sandboxed + host list',
    await sandbox.confinement(worktree, { mode: 'hosts', hosts: [{ host: '127.0.0.1', port: 9999 }] }),
  ],
];
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root };

async function time(confinement: Confinement, file: string, args: string[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const result = await runConfined(confinement, file, args, { cwd: worktree, env, timeoutMs: 30_000 });
    if (result.exitCode !== 0) throw new Error(`${file} failed: ${result.output}${result.spawnError ?? ''}`);
  }
  return (performance.now() - started) / runs;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
for (const [label, file, args] of [
  ['true', 'true', []],
  ['node -e 0', process.execPath, ['-e', '0']],
] as [string, string, string[]][]) {
  const samples = new Map<string, number[]>(ways.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ways : [...ways].reverse();
    for (const [name, confinement] of order) samples.get(name)!.push(await time(confinement, file, args));
  }
  const base = median(samples.get('unconfined')!);
  process.stdout.write(`${label} (${runs} runs x ${rounds} rounds, median ms per start)\n`);
  for (const [name] of ways) {
    const value = median(samples.get(name)!);
    process.stdout.write(
      `  ${name.padEnd(22)} ${value.toFixed(1).padStart(7)} ms  ${(value / base).toFixed(2)}x\n`,
    );
  }
}
rmSync(root, { recursive: true, force: true });
