import { render } from 'ink';
import type { QuitOutcome } from './dashboard-keys.js';
import { TuiApp, type TuiAppProps } from './components/App.js';
import { guardTerminal } from './terminal.js';

/** How Ink draws the dashboard (a test renders with these too). */
export const inkOptions = {
  alternateScreen: true,
  // Streamed events are batched to app.maxFps (6/s by default, src/ui/batch.ts) by the App; Ink's own throttle only has to
  // merge commits of the same moment. It is es-toolkit's, whose trailing timer every call re-arms:
  // a key read while the timer of the frame just drawn is still pending waits one whole interval
  // (17 ms at 60/s, 4 ms at 250/s). node_modules/es-toolkit/dist/function/debounce.mjs
  maxFps: 250,
  incrementalRendering: true,
  exitOnCtrlC: true,
} as const;

export interface RunTuiOptions extends Omit<TuiAppProps, 'onQuit'> {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

/**
 * Renders the dashboard full-screen until the user quits. Resolves with how they left: 'detach'
 * (run keeps going), 'stop' (stopRun was sent), or undefined after Ctrl-C.
 */
export async function runTui(options: RunTuiOptions): Promise<QuitOutcome | undefined> {
  const { stdout = process.stdout, stdin = process.stdin, ...app } = options;
  const instance = render(<TuiApp {...app} />, {
    ...inkOptions,
    stdout,
    stdin,
    // Decided by the terminal alone: CI variables must not turn a real terminal into a log.
    interactive: Boolean(stdout.isTTY),
  });
  const disarm = guardTerminal(stdout, stdin, (error) => {
    instance.unmount();
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`maestro: internal error in the TUI: ${message}\n`);
    process.exit(1);
  });
  try {
    return (await instance.waitUntilExit()) as QuitOutcome | undefined;
  } finally {
    disarm();
  }
}
