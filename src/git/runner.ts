import { spawn } from 'node:child_process';
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
const maxBuffer = 512 * 1024 * 1024;

/** Plain `child_process.spawn`: a merge spawns git a few times, and every millisecond per spawn counts. */
export function git(args: string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...baseConfig, ...args], {
      cwd: options.cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      signal: options.signal,
      timeout: options.timeoutMs,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let failure: string | null = null;
    child.stdout?.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBuffer) {
        failure = 'output exceeded the buffer limit';
        child.kill('SIGKILL');
      } else stdout.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      failure = error.message;
      // A git that never started emits no 'close'.
      if (child.pid === undefined) reject(new GitError(args, failure, undefined));
    });
    if (child.stdin) {
      // git may exit before reading all input (e.g. on a usage error): the exit code tells.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
    child.on('close', (code) => {
      const err = Buffer.concat(stderr).toString('utf8');
      const exitCode = failure === null && code !== null ? code : undefined;
      if (exitCode === undefined || (exitCode !== 0 && !(options.okExitCodes ?? []).includes(exitCode))) {
        reject(new GitError(args, err || failure || 'terminated by a signal', exitCode));
        return;
      }
      resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: err, exitCode });
    });
  });
}

/** stdout without the trailing newline: for single-value answers like `rev-parse`. */
export async function gitLine(args: string[], options: GitOptions): Promise<string> {
  return (await git(args, options)).stdout.replace(/\n$/, '');
}
