import { spawn } from 'node:child_process';
import { MaestroError } from '../errors.js';
import { isSecretEnv } from '../util/redact.js';

/**
 * The one way maestro runs git: argument arrays only, never a shell string. Every call disables
 * automatic gc (two auto-gc runs collide under parallel use), never prompts for credentials, and
 * runs no program an agent could have planted (see `hardening`), with secrets scrubbed from its
 * environment.
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
  /** Every git call has a time limit (hooks and filters it runs included). Default: `defaultGitTimeoutMs`. */
  timeoutMs?: number;
}

/** Long enough for `worktree add` of a very large checkout, short enough that nothing hangs for good. */
export const defaultGitTimeoutMs = 10 * 60_000;

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

/**
 * Config keys that make git run a program, and what maestro does about each. Command-line `-c`
 * beats every config file, including one an agent wrote or pointed a worktree's `.git` file at.
 * - core.hooksPath=/dev/null: no hook runs (pre-commit, post-checkout, reference-transaction, ...);
 *   with config `commitHooks` the project's commit hooks run separately, in the sandbox (commit-hooks.ts).
 * - core.fsmonitor=false: no fsmonitor hook or daemon (`git status`, `add`, `diff` would start it).
 * - commit.gpgSign / tag.gpgSign=false: maestro's own commits never start gpg.program or pinentry.
 * - protocol.ext.allow=never: an `ext::` URL (in .gitmodules, say) cannot run a command.
 * - core.pager / pager.*: only with a terminal on stdout, which git never has here; GIT_PAGER=cat too.
 * - diff.external and textconv drivers: `--no-ext-diff --no-textconv` on every diff, show and log.
 * Left alone, and why: filter.<driver>.clean/smudge/process, merge.<driver>.driver and
 * diff.<driver>.command are chosen by .gitattributes but defined only in config files the sandbox
 * keeps read-only (the user's git-lfs keeps working); core.sshCommand, credential.helper and
 * core.askPass run only for push and fetch, on the user's own config and environment.
 */
const hardening = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'commit.gpgSign=false',
  '-c',
  'tag.gpgSign=false',
  '-c',
  'protocol.ext.allow=never',
];
const patchCommands = new Set(['diff', 'show', 'log']);

/** git's own settings and the ssh agent are the user's way of configuring git: kept. */
const keptForGit = /^(GIT_|SSH_AUTH_SOCK$|SSH_AGENT_PID$)/;

/** Environment for maestro's git: no secret-looking variables (a program git did run would get none). */
export function gitEnv(
  env: NodeJS.ProcessEnv,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env))
    if (keptForGit.test(name) || !isSecretEnv(name, value)) out[name] = value;
  return { ...out, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C', ...extra };
}

/** The full argument vector: hardening first, then `--no-ext-diff --no-textconv` after a patch-making subcommand. */
export function hardenedArgs(args: readonly string[]): string[] {
  const [sub, ...rest] = args;
  const guarded =
    sub !== undefined && patchCommands.has(sub)
      ? [sub, '--no-ext-diff', '--no-textconv', ...rest]
      : [...args];
  return [...baseConfig, ...hardening, ...guarded];
}
const maxBuffer = 512 * 1024 * 1024;

/**
 * Plain `child_process.spawn`: a merge spawns git a few times, and every millisecond per spawn
 * counts. git runs in its own process group, so a time limit or an abort also ends the hooks it
 * started; once git exited, pipes a detached grandchild still holds get one second.
 */
export function git(args: string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', hardenedArgs(args), {
      cwd: options.cwd,
      env: gitEnv(process.env, options.env ?? {}),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let failure: string | null = null;
    const killGroup = (why: string): void => {
      failure ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const limitMs = options.timeoutMs ?? defaultGitTimeoutMs;
    const timer = setTimeout(() => killGroup(`timed out after ${Math.round(limitMs / 1000)} s`), limitMs);
    const onAbort = (): void => killGroup('aborted');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let pipeTimer: NodeJS.Timeout | undefined;
    child.once('exit', (code) => {
      pipeTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(code);
      }, 1_000);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBuffer) {
        killGroup('output exceeded the buffer limit');
      } else stdout.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      failure = error.message;
      // A git that never started emits no 'close'.
      if (child.pid === undefined && !settled) {
        settled = true;
        clearTimeout(timer);
        reject(new GitError(args, failure, undefined));
      }
    });
    if (child.stdin) {
      // git may exit before reading all input (e.g. on a usage error): the exit code tells.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
    let settled = false;
    const finish = (code: number | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(pipeTimer);
      options.signal?.removeEventListener('abort', onAbort);
      const err = Buffer.concat(stderr).toString('utf8');
      const exitCode = failure === null && code !== null ? code : undefined;
      if (exitCode === undefined || (exitCode !== 0 && !(options.okExitCodes ?? []).includes(exitCode))) {
        const why = failure === null ? err || 'terminated by a signal' : `${failure}\n${err}`;
        reject(new GitError(args, why, exitCode));
        return;
      }
      resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: err, exitCode });
    };
    child.on('close', (code) => finish(code));
  });
}

/** stdout without the trailing newline: for single-value answers like `rev-parse`. */
export async function gitLine(args: string[], options: GitOptions): Promise<string> {
  return (await git(args, options)).stdout.replace(/\n$/, '');
}
