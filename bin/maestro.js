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
