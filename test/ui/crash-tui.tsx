/**
 * Run by tui-tmux.test.ts in a real terminal: the dashboard over a source that throws from a timer
 * once it is on screen, i.e. an uncaught exception while the TUI owns the terminal.
 */
import { runTui } from '../../src/ui/tui.js';
import { controlFromSender } from '../../src/ui/run-control.js';
import { busyRun } from './fixtures.js';

await runTui({
  source: {
    history: () => busyRun(),
    subscribe: () => {
      setTimeout(() => {
        throw new Error('boom from a listener');
      }, 500);
      return () => undefined;
    },
  },
  control: controlFromSender(async () => undefined),
});
