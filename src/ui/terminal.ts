/** Leaves the alternate screen, shows the cursor and turns off mouse/paste modes: the terminal as it was. */
export const restoreSequence = '\x1b[?2004l\x1b[?25h\x1b[?1049l';

/**
 * A last line of defence for the terminal: if the process exits or crashes while the TUI owns the
 * screen, put the terminal back before the error is printed. Returns the disarm function.
 */
export function guardTerminal(
  stdout: NodeJS.WriteStream,
  stdin: NodeJS.ReadStream,
  onCrash: (error: unknown) => void,
): () => void {
  let armed = true;
  const restore = (): void => {
    if (!armed) return;
    armed = false;
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      // stdin may already be closed.
    }
    if (stdout.isTTY) stdout.write(restoreSequence);
  };
  const crash = (error: unknown): void => {
    restore();
    onCrash(error);
  };
  process.on('exit', restore);
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  return () => {
    armed = false;
    process.off('exit', restore);
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  };
}
