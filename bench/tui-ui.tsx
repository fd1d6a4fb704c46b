/**
 * The UI process of bench/tui.ts: the dashboard following a journal, either batched (the product's
 * batches, 6 frames/s by default) or re-rendering on every event (the baseline). Usage: tsx bench/tui-ui.tsx FILE MODE (MAESTRO_BENCH_PIDFILE: where to write its pid)
 */
import { writeFileSync } from 'node:fs';
import { JournalFollower } from '../src/ui/attach/journal-follower.js';
import { runTui } from '../src/ui/tui.js';
import type { EventSource } from '../src/ui/run-control.js';
import type { RunEvent } from '../src/events.js';

const [file, mode] = process.argv.slice(2);
const pidFile = process.env.MAESTRO_BENCH_PIDFILE;
if (!file || (mode !== 'batched' && mode !== 'per-event')) {
  process.stderr.write('usage: tui-ui.tsx JOURNAL batched|per-event\n');
  process.exit(2);
}

if (pidFile) writeFileSync(pidFile, String(process.pid));
const follower = new JournalFollower(file);
await follower.start();

/** Each event in its own turn of the event loop, so each gets its own render (the baseline). */
function perEvent(source: EventSource): EventSource {
  return {
    history: () => source.history(),
    subscribe: (listener: (event: RunEvent) => void) =>
      source.subscribe((event) => setImmediate(() => listener(event))),
  };
}

const noControl = async (): Promise<void> => undefined;
await runTui({
  source: mode === 'batched' ? follower : perEvent(follower),
  control: {
    pause: noControl,
    resume: noControl,
    stop: noControl,
    retry: noControl,
    stopRun: noControl,
    detach: noControl,
  },
  attached: true,
  maxFps: mode === 'batched' ? undefined : 1000,
});
follower.close();
