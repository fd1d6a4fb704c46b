/**
 * bench/watch: 20 worktrees of 4,000 source files each (plus node_modules and a gitignored build
 * folder): time until every watcher is ready and the CPU spent until then, resident memory and kernel watches of the watching
 * process, and one change's latency (including the 200 ms debounce), for maestro's watcher against
 * chokidar with no ignores (all walking at once). maestro's watchers share one WalkGate, as a run's
 * do. Run: npx tsx bench/watch.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const worktrees = 20;

function makeWorktree(dir: string): void {
  // 4,000 tracked-looking files in 100 folders, like a mid-sized project.
  for (let d = 0; d < 100; d += 1) {
    mkdirSync(join(dir, 'src', `d${d}`), { recursive: true });
    for (let f = 0; f < 40; f += 1)
      writeFileSync(join(dir, 'src', `d${d}`, `f${f}.ts`), `export const v${f} = ${d};\n`);
  }
  // What a checkout also holds and a watcher must not enter.
  for (let p = 0; p < 50; p += 1) {
    mkdirSync(join(dir, 'node_modules', `pkg${p}`), { recursive: true });
    for (let f = 0; f < 20; f += 1) writeFileSync(join(dir, 'node_modules', `pkg${p}`, `i${f}.js`), '\n');
  }
  mkdirSync(join(dir, 'generated'), { recursive: true });
  for (let f = 0; f < 200; f += 1) writeFileSync(join(dir, 'generated', `g${f}.json`), '{}\n');
  writeFileSync(join(dir, '.gitignore'), 'generated/\n');
  writeFileSync(join(dir, '.git'), 'gitdir: /nowhere\n');
}

const base = mkdtempSync(join(tmpdir(), 'maestro-bench-watch-'));
try {
  const t0 = performance.now();
  for (let i = 0; i < worktrees; i += 1) makeWorktree(join(base, `wt${String(i).padStart(2, '0')}`));
  process.stdout.write(
    `bench/watch: ${worktrees} worktrees x 4,000 source files (+1,000 node_modules, +200 gitignored), made in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  // Both watchers run in a Node started as bin/maestro.js starts `run` and `tui`: 16 MB semi-spaces.
  const node = [process.execPath, '--max-semi-space-size=16', '--import', 'tsx'];
  process.stdout.write(
    'watcher    ready s   CPU s   RSS MB  (V8 young/old)   inotify watches   change latency ms\n',
  );
  for (const mode of ['maestro', 'baseline']) {
    const out = execFileSync(
      node[0] as string,
      [...node.slice(1), join(root, 'bench', 'watch-child.ts'), base, mode],
      {
        encoding: 'utf8',
      },
    );
    const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
      readyMs: number;
      cpuMs: number;
      rssMb: number;
      newSpaceMb: number;
      oldSpaceMb: number;
      watches: number;
      latencyMs: number;
    };
    process.stdout.write(
      `${mode.padEnd(9)}  ${(r.readyMs / 1000).toFixed(2).padStart(7)}  ${(r.cpuMs / 1000).toFixed(2).padStart(6)}  ${r.rssMb.toFixed(0).padStart(7)}  ${`(${r.newSpaceMb.toFixed(0)}/${r.oldSpaceMb.toFixed(0)})`.padStart(14)}  ${String(r.watches).padStart(16)}  ${r.latencyMs.toFixed(0).padStart(18)}\n`,
    );
  }
  process.stdout.write(
    '(RSS includes the tsx loader; maestro debounces changes by 200 ms, the baseline reports at once)\n',
  );
} finally {
  rmSync(base, { recursive: true, force: true });
}
