import { buildProgram, CommanderError } from './program.js';
import { MaestroError } from '../errors.js';
import { inertLine, inertText } from '../util/terminal-text.js';

/** Entry point used by bin/maestro.js. Turns every failure into one line and an exit code. */
export async function main(argv: string[]): Promise<void> {
  toleratePipeClosed(process.stdout);
  toleratePipeClosed(process.stderr);
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

/**
 * `maestro runs | head -1`: a reader that closed the pipe ends the output, never the command (a
 * run goes on to its end). Without a listener the EPIPE would be an uncaught exception.
 */
function toleratePipeClosed(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    ) {
      return 0;
    }
    const message = error.message
      .replace(/^error: /, '')
      .replace(/\n+/g, ' ')
      .trim();
    process.stderr.write(`maestro: ${message} (see maestro --help)\n`);
    return 2;
  }
  if (error instanceof MaestroError) {
    process.stderr.write(`maestro: ${inertLine(error.message)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(
    `maestro: internal error: ${inertText(message)}\nPlease report this with the command you ran.\n`,
  );
  return 1;
}
