/**
 * The measured process of bench/watch.ts: watches every worktree under ROOT, then prints JSON with
 * the time until all were ready and the CPU time (user + system) spent until then, resident memory
 * (and V8's young and old generation within it), kernel (inotify) watches and one change's latency.
 * Usage: tsx bench/watch-child.ts ROOT maestro|baseline
 */
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { watch } from 'chokidar';
import { WalkGate } from '../src/watch/walk-gate.js';
import { WorktreeWatcher } from '../src/watch/worktree-watcher.js';

const [root, mode] = process.argv.slice(2);
if (!root || (mode !== 'maestro' && mode !== 'baseline'))
  throw new Error('usage: watch-child.ts ROOT maestro|baseline');

function inotifyWatches(): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    if (target !== 'anon_inode:inotify') continue;
    count += readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('inotify wd:')).length;
  }
  return count;
}

const worktrees = readdirSync(root).map((name) => join(root, name));
let changed: (() => void) | undefined;
const start = performance.now();
const cpuAtStart = process.cpuUsage();
const closers: (() => Promise<void>)[] = [];
if (mode === 'maestro') {
  // One gate for all, as a run's observers share one.
  const walks = new WalkGate();
  await Promise.all(
    worktrees.map(async (dir, index) => {
      const watcher = new WorktreeWatcher({
        taskId: `t${index}`,
        root: dir,
        excludePaths: ['node_modules/**', 'dist/**', 'build/**', 'coverage/**'],
        walks,
        onChange: () => changed?.(),
      });
      await watcher.start();
      closers.push(() => watcher.close());
    }),
  );
} else {
  // Baseline: chokidar on the same folders with no ignores at all.
  await Promise.all(
    worktrees.map(async (dir) => {
      const watcher = watch(dir, { ignoreInitial: true, followSymlinks: false });
      watcher.on('all', () => changed?.());
      await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
      closers.push(() => watcher.close());
    }),
  );
}
const readyMs = performance.now() - start;
const cpu = process.cpuUsage(cpuAtStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
const rssMb = process.memoryUsage().rss / 1024 / 1024;
// Where the RSS is: V8's young generation (sized by how much the walks allocated) and its old one (what is kept).
const spaceMb = (name: string): number =>
  (getHeapSpaceStatistics().find((space) => space.space_name === name)?.space_size ?? 0) / 1024 / 1024;
const newSpaceMb = spaceMb('new_space');
const oldSpaceMb = spaceMb('old_space');
const watches = inotifyWatches();
const t0 = performance.now();
const latencyMs = await new Promise<number>((resolve) => {
  changed = () => resolve(performance.now() - t0);
  writeFileSync(join(worktrees[10] ?? worktrees[0] ?? root, 'src', 'd1', 'new-file.ts'), 'export {};\n');
});
await Promise.all(closers.map((close) => close()));
process.stdout.write(
  JSON.stringify({
    mode,
    worktrees: worktrees.length,
    readyMs,
    cpuMs,
    rssMb,
    newSpaceMb,
    oldSpaceMb,
    watches,
    latencyMs,
  }) + '\n',
);
