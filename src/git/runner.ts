import { collectProcess, type CollectSpec, type Collected } from '../process/collect.js';
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

/** How this process starts git: in-process, or through a `SpawnHost` (see `launchGitThrough`). */
export type GitLauncher = (spec: CollectSpec, signal?: AbortSignal) => Promise<Collected>;

// Process-wide on purpose: the cost of forking belongs to this process (its size), not to a caller.
let launch: GitLauncher = collectProcess;
/** `gitEnv(process.env)` read once for a long-running command (see `launchGitThrough`); else null. */
let fixedEnv: Record<string, string | undefined> | null = null;

/**
 * From now on git starts through `launcher` (a long-running orchestrator passes its `SpawnHost`),
 * with the environment as it is now; the returned function restores the previous way.
 */
export function launchGitThrough(launcher: GitLauncher): () => void {
  const previous = { launch, fixedEnv };
  launch = launcher;
  // maestro never changes its own environment: filtering it once saves walking it on every call.
  fixedEnv = gitEnv(process.env);
  return () => {
    ({ launch, fixedEnv } = previous);
  };
}

/**
 * Runs git to completion in its own process group (`collectProcess`): a time limit or an abort
 * also ends the hooks it started.
 */
export async function git(args: string[], options: GitOptions): Promise<GitResult> {
  const result = await launch(
    {
      file: 'git',
      args: hardenedArgs(args),
      cwd: options.cwd,
      env: fixedEnv ? { ...fixedEnv, ...options.env } : gitEnv(process.env, options.env ?? {}),
      input: options.input,
      timeoutMs: options.timeoutMs ?? defaultGitTimeoutMs,
      maxBuffer,
    },
    options.signal,
  );
  if (!result.started) throw new GitError(args, result.failure ?? 'git could not be started', undefined);
  const err = utf8(result.stderr);
  const exitCode = result.failure === null && result.code !== null ? result.code : undefined;
  if (exitCode === undefined || (exitCode !== 0 && !(options.okExitCodes ?? []).includes(exitCode))) {
    const why = result.failure === null ? err || 'terminated by a signal' : `${result.failure}\n${err}`;
    throw new GitError(args, why, exitCode);
  }
  return { stdout: utf8(result.stdout), stderr: err, exitCode };
}

/** The bytes as text, without copying them. */
function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** stdout without the trailing newline: for single-value answers like `rev-parse`. */
export async function gitLine(args: string[], options: GitOptions): Promise<string> {
  return (await git(args, options)).stdout.replace(/\n$/, '');
}
