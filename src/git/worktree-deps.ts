import { lstat, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MaestroError } from '../errors.js';
import { runForAgent, type Confiner } from '../sandbox/run.js';

/**
 * Link dependency folders (node_modules, .venv, ...) from the user's checkout into a worktree, but
 * only when the worktree's lockfile is byte-identical to the main one: otherwise the agent installs.
 */
export interface DependencyLink {
  dir: string;
  lockfile: string;
}

export async function linkDependencyDirs(
  toplevel: string,
  worktree: string,
  rules: DependencyLink[],
): Promise<string[]> {
  const linked: string[] = [];
  for (const rule of rules) {
    if (linked.includes(rule.dir)) continue;
    const source = join(toplevel, rule.dir);
    const sourceStat = await lstat(source).catch(() => null);
    if (!sourceStat?.isDirectory()) continue;
    const [main, theirs] = await Promise.all([
      readFile(join(toplevel, rule.lockfile)).catch(() => null),
      readFile(join(worktree, rule.lockfile)).catch(() => null),
    ]);
    if (!main || !theirs || !main.equals(theirs)) continue;
    const target = join(worktree, rule.dir);
    if (
      await lstat(target).then(
        () => true,
        () => false,
      )
    )
      continue;
    await symlink(source, target, 'dir');
    linked.push(rule.dir);
  }
  return linked;
}

export class WorktreeSetupError extends MaestroError {
  readonly output: string;
  constructor(message: string, output: string) {
    super(message);
    this.output = output;
  }
}

export interface SetupOutcome {
  command: string;
  ms: number;
  output: string;
}

/** Run the configured `setup` command in a new worktree through the user's shell, confined, with a timeout. */
export async function runSetup(
  worktree: string,
  setup: { command: string; timeoutSeconds: number; sandbox: Confiner; env: Record<string, string> },
  signal?: AbortSignal,
): Promise<SetupOutcome> {
  const started = Date.now();
  // Its own process group (and sandbox), so a timeout ends the command and everything it started.
  const result = await runForAgent(setup.sandbox, worktree, 'sh', ['-c', setup.command], {
    env: setup.env,
    timeoutMs: setup.timeoutSeconds * 1000,
    ...(signal && { signal }),
    headChars: 0,
    tailChars: 8_000,
  });
  const output = result.spawnError ? `${result.output}${result.spawnError}` : result.output;
  if (result.timedOut) {
    throw new WorktreeSetupError(
      `The setup command "${setup.command}" took longer than ${setup.timeoutSeconds}s: raise setup.timeoutSeconds or speed it up.`,
      output,
    );
  }
  if (result.exitCode !== 0) {
    const last = output.trim().split('\n').pop() ?? '';
    throw new WorktreeSetupError(
      `The setup command "${setup.command}" failed with exit ${result.exitCode ?? 'signal'} (${last}): fix it or remove setup from the config.`,
      output,
    );
  }
  return { command: setup.command, ms: Date.now() - started, output };
}
