import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

export const launcher = fileURLToPath(new URL('../../bin/maestro.js', import.meta.url));

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Run the built CLI exactly as a user would (bin/maestro.js on this Node), in `cwd`. */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; input?: string; nodeArgs?: string[] },
): Promise<CliResult> {
  const result = await execa(process.execPath, [...(options.nodeArgs ?? []), launcher, ...args], {
    cwd: options.cwd,
    env: { NO_COLOR: '1', ...options.env },
    input: options.input ?? '',
    reject: false,
    stripFinalNewline: false,
    timeout: 60_000,
  });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
}
