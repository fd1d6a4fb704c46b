import { render } from 'ink';
import { ReviewApp, type ReviewViewProps } from './ReviewView.js';

export interface RunReviewOptions extends Omit<ReviewViewProps, 'size' | 'onLeave'> {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

/** `maestro resolve`: the review on the alternate screen until the user leaves (picks are kept). */
export async function runReview(options: RunReviewOptions): Promise<void> {
  const { stdout = process.stdout, stdin = process.stdin, ...props } = options;
  const instance = render(<ReviewApp {...props} onLeave={() => instance.unmount()} />, {
    stdout,
    stdin,
    alternateScreen: true,
    interactive: Boolean(stdout.isTTY),
    maxFps: 15,
    exitOnCtrlC: true,
  });
  await instance.waitUntilExit();
}
