#!/usr/bin/env node
// Kept in syntax every Node since 12 can parse, so an old Node reaches the message below.
const required = [22, 22];
const parts = String(process.versions.node).split('.').map(Number);
const major = parts[0] || 0;
const minor = parts[1] || 0;
if (major < required[0] || (major === required[0] && minor < required[1])) {
  process.stderr.write(
    'maestro needs Node.js >= ' +
      required.join('.') +
      ' (this is ' +
      process.version +
      '); install Node 22.22+ or 24 LTS and try again.\n',
  );
  process.exit(1);
}
// React and Ink run their slow development builds unless told otherwise (the TUI renders 2-3x faster).
if (process.env.NODE_ENV === undefined) process.env.NODE_ENV = 'production';
boundYoungGeneration();
import('../dist/cli/main.js').then(
  (cli) => cli.main(process.argv.slice(2)),
  (error) => {
    if (
      error &&
      error.code === 'ERR_MODULE_NOT_FOUND' &&
      String(error.message).includes('dist/cli/main.js')
    ) {
      process.stderr.write(
        'maestro is not built: run `npm run build` in ' + new URL('..', import.meta.url).pathname + '\n',
      );
    } else if (error && (error.code === 'EMFILE' || error.code === 'ENFILE')) {
      // Loading maestro opens a few dozen files at once; under a tiny `ulimit -n` that fails here.
      process.stderr.write(
        'maestro: too many open files while starting (' +
          error.code +
          '); raise the limit (ulimit -n 1024) and try again\n',
      );
    } else {
      process.stderr.write(String((error && error.stack) || error) + '\n');
    }
    process.exit(1);
  },
);

/**
 * V8 sizes its young generation from the machine's memory: up to 128 MB on a 24 GB machine. The
 * commands that run for long allocate in bursts (a worktree watcher's first walk) and keep little,
 * so that space fills and stays resident. With 16 MB semi-spaces, bench/watch's 20 watched
 * worktrees peaked at 114 MB instead of 134-143 MB, and bench/scale's orchestrator at 321 MB
 * instead of 395 MB for 2.8% more CPU (8 MB: 101 MB and 311 MB, but 6.6% more CPU). The flag works
 * only from the start, so such a command runs again in this process with it (process.execve, Node
 * >= 22.15, not on Windows; about 50 ms), unless the user set the size already.
 */
function boundYoungGeneration() {
  const longRunning = ['run', 'resume', 'tui', 'worker', 'demo'];
  const command = process.argv
    .slice(2)
    .filter((arg, i, all) => arg[0] !== '-' && all[i - 1] !== '--config')[0];
  const flag = '--max-semi-space-size';
  const already =
    process.execArgv.some((arg) => arg.indexOf(flag) === 0) ||
    String(process.env.NODE_OPTIONS || '').indexOf(flag) !== -1;
  if (longRunning.indexOf(command) === -1 || already || typeof process.execve !== 'function') return;
  process.execve(
    process.execPath,
    [process.execPath, flag + '=16'].concat(process.execArgv, process.argv.slice(1)),
    process.env,
  );
}
