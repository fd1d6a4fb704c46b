import { buildProgram, CommanderError } from './program.js';
import { MaestroError } from '../errors.js';
import { inertLine, inertText } from '../util/terminal-text.js';

/** Entry point used by bin/maestro.js. Turns every failure into one line and an exit code. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    process.exitCode = reportError(error);
  }
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
