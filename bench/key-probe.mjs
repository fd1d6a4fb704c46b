/* global process, performance */
// Preloaded into the bench's UI process (--import): logs, for every key read from the terminal,
// the milliseconds until the next frame is written (key-to-frame latency inside the process).
import { appendFileSync } from 'node:fs';

const log = process.env.MAESTRO_BENCH_KEYLOG;
if (log) {
  /** @type {number | undefined} */
  let pressedAt;
  const stdin = /** @type {any} */ (process.stdin);
  const read = stdin.read.bind(stdin);
  stdin.read = (/** @type {unknown[]} */ ...args) => {
    const chunk = read(...args);
    if (chunk !== null && pressedAt === undefined) pressedAt = performance.now();
    return chunk;
  };
  const stdout = /** @type {any} */ (process.stdout);
  const write = stdout.write.bind(stdout);
  stdout.write = (/** @type {string} */ data, /** @type {unknown[]} */ ...rest) => {
    if (pressedAt !== undefined && data && data.length > 0) {
      appendFileSync(log, `${(performance.now() - pressedAt).toFixed(2)}\n`);
      pressedAt = undefined;
    }
    return write(data, ...rest);
  };
}
