import { execa } from 'execa';
import { MaestroError } from '../errors.js';

/**
 * The one way maestro runs git: argument arrays only, never a shell string. Every call disables
 * automatic gc (two auto-gc runs collide under parallel use) and never prompts for credentials.
 */
export interface GitOptions {
  cwd: string;
  input?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  /** Exit codes that are answers, not failures (e.g. 1 for `merge-tree` conflicts). */
  okExitCodes?: number[];
  /** Return stdout as raw bytes (blobs of binary files). */
  binary?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export class GitError extends MaestroError {
  readonly args: string[];
  readonly stderr: string;
  readonly gitExitCode: number | undefined;
  constructor(args: string[], stderr: string, exitCode: number | undefined) {
    const firstLine =
      stderr
        .trim()
        .split('\n')
        .find((line) => line.trim() !== '') ?? 'no output';
    super(`git ${args.join(' ')} failed (exit ${exitCode ?? 'signal'}): ${firstLine}`);
    this.args = args;
    this.stderr = stderr;
    this.gitExitCode = exitCode;
  }
}

const baseConfig = ['-c', 'gc.auto=0', '-c', 'core.quotePath=false', '-c', 'maintenance.auto=false'];

export async function git(args: string[], options: GitOptions): Promise<GitResult> {
  const result = await execa('git', [...baseConfig, ...args], {
    cwd: options.cwd,
    input: options.input,
    env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...options.env },
    reject: false,
    stripFinalNewline: false,
    cancelSignal: options.signal,
    timeout: options.timeoutMs,
    maxBuffer: 512 * 1024 * 1024,
  });
  const exitCode = result.exitCode ?? -1;
  if (exitCode !== 0 && !(options.okExitCodes ?? []).includes(exitCode)) {
    throw new GitError(args, String(result.stderr || result.message), result.exitCode);
  }
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode };
}

/** stdout without the trailing newline: for single-value answers like `rev-parse`. */
export async function gitLine(args: string[], options: GitOptions): Promise<string> {
  return (await git(args, options)).stdout.replace(/\n$/, '');
}
