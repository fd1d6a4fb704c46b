import { render } from 'ink';
import type { QuitOutcome } from './dashboard-keys.js';
import { TuiApp, type TuiAppProps } from './components/App.js';
import { guardTerminal } from './terminal.js';

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
    stdout,
    stdin,
    alternateScreen: true,
    // Decided by the terminal alone: CI variables must not turn a real terminal into a log.
    interactive: Boolean(stdout.isTTY),
    // Keys render at once (60/s cap); streamed events are batched to app.maxFps (10/s) by the App.
    maxFps: 60,
    incrementalRendering: true,
    exitOnCtrlC: true,
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
