import { readFile, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { alwaysHidden, buildPolicy, type HostPort, type NetworkPolicy } from './policy.js';
import type { Confiner, Confinement, ExtraFolders } from './run.js';

/**
 * A run's sandbox: the facts every task shares (where git keeps the repository, what stays
 * hidden, what is readable) and the choice the user made. One is created per run and passed to
 * everything that starts a process for an agent.
 */
export interface SandboxSetup {
  /** The bwrap program, or null when the user turned the sandbox off (`sandbox: "off"`, `--no-sandbox`). */
  bwrap: string | null;
  /** The repository's toplevel (its dependency folders may be linked into worktrees). */
  repo: string;
  gitCommonDir: string;
  /** The folder holding every task's worktree: hidden, only a task's own is shown. */
  worktreeRoot: string;
  /** Dependency folders of the main checkout that worktrees link to (config `linkDependencies`). */
  dependencyDirs: readonly string[];
  /** Hosts `run_command` and validation may reach (config `sandboxHosts`); none by default. */
  commandHosts: readonly HostPort[];
  home?: string;
  path?: string;
}

function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`);
}

async function real(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

export class AgentSandbox implements Confiner {
  private readonly hidden: Promise<string[]>;
  private readonly readable: Promise<string[]>;
  private readonly common: Promise<string>;

  constructor(private readonly setup: SandboxSetup) {
    this.common = real(setup.gitCommonDir);
    this.hidden = Promise.all([real(setup.home ?? homedir()), real(setup.worktreeRoot)]);
    this.readable = this.hidden.then((hidden) => readableFolders(setup, [...hidden, ...alwaysHidden]));
  }

  /** False only when the user chose to run agents unconfined. */
  get confined(): boolean {
    return this.setup.bwrap !== null;
  }

  /** Hosts the config lets agent-side programs reach (`sandboxHosts`). */
  get hosts(): readonly HostPort[] {
    return this.setup.commandHosts;
  }

  /** The network a command or validation gets: the configured hosts, or none. */
  get commandNetwork(): NetworkPolicy {
    const hosts = this.setup.commandHosts;
    return hosts.length === 0 ? { mode: 'none' } : { mode: 'hosts', hosts: [...hosts] };
  }

  /** How a process in `worktree` runs: writable worktree (and `extra.writable`) and private /tmp, read-only rest, hidden secrets. */
  async confinement(
    worktree: string,
    network: NetworkPolicy = this.commandNetwork,
    extra: ExtraFolders = {},
  ): Promise<Confinement> {
    if (this.setup.bwrap === null) return { kind: 'unconfined' };
    const tree = await real(worktree);
    const policy = buildPolicy({
      worktree: tree,
      gitCommonDir: await this.common,
      gitAdminDir: await adminDirOf(tree),
      hidden: await this.hidden,
      readable: [...(await this.readable), ...(await Promise.all((extra.readable ?? []).map(real)))],
      writable: await Promise.all((extra.writable ?? []).map(real)),
      network,
    });
    // A folder that is not there has nothing to hide (and bwrap cannot mount over it in a read-only parent).
    const present = await Promise.all(
      policy.mounts.map(async (m) => m.kind !== 'hide' || (await isDirectory(m.path))),
    );
    const mounts = policy.mounts.filter((_, index) => present[index]);
    return { kind: 'bwrap', bwrap: this.setup.bwrap, policy: { ...policy, mounts } };
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/** The worktree's own admin folder (`<common>/worktrees/<name>`) from its `.git` pointer file; null for a main checkout. */
async function adminDirOf(worktree: string): Promise<string | null> {
  const dotGit = join(worktree, '.git');
  const info = await stat(dotGit).catch(() => null);
  if (info === null || info.isDirectory()) return null;
  const text = await readFile(dotGit, 'utf8');
  const target = /^gitdir: (.+)$/m.exec(text)?.[1]?.trim();
  if (target === undefined) return null;
  return real(isAbsolute(target) ? target : resolve(worktree, target));
}

/**
 * What stays readable inside hidden folders: the main checkout's dependency folders, Node itself,
 * and tools on PATH (with the folder above each, where npm- and nvm-installed CLIs keep their code).
 */
async function readableFolders(setup: SandboxSetup, hidden: readonly string[]): Promise<string[]> {
  const candidates = [
    ...setup.dependencyDirs.map((dir) => join(setup.repo, dir)),
    dirname(dirname(process.execPath)),
    ...(setup.path ?? process.env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => isAbsolute(dir))
      .flatMap((dir) => [dir, dirname(dir)]),
  ];
  const out = new Set<string>();
  for (const candidate of candidates) {
    const path = await real(candidate);
    // Never a hidden folder itself (PATH=$HOME/bin would otherwise show the whole home).
    if (hidden.some((folder) => isInside(folder, path))) continue;
    if (hidden.some((folder) => isInside(path, folder))) out.add(path);
  }
  return [...out];
}
