import { bwrapArgv } from './bwrap.js';
import { startNetBridge } from './net-bridge.js';
import type { HostPort, NetworkPolicy, SandboxPolicy } from './policy.js';
import { findOnPath } from './probe.js';
import { runInGroup, type GroupRunOptions, type GroupRunResult } from './process-group.js';

/**
 * How one process runs: inside bubblewrap under a policy, or (only when the user turned the
 * sandbox off) as a plain process group. Plain data, so the agent's tool host gets it over IPC.
 */
export type Confinement = { kind: 'bwrap'; bwrap: string; policy: SandboxPolicy } | { kind: 'unconfined' };

/** Folders outside the worktree one process needs: readable (a prompt file), writable (a CLI's private state). */
export interface ExtraFolders {
  readable?: readonly string[];
  writable?: readonly string[];
}

/** Whatever hands out confinements: a run's AgentSandbox, or `unconfinedSandbox()` when it is off. */
export interface Confiner {
  readonly confined: boolean;
  /** Hosts the config lets agent-side programs reach (`sandboxHosts`). */
  readonly hosts: readonly HostPort[];
  confinement(worktree: string, network?: NetworkPolicy, extra?: ExtraFolders): Promise<Confinement>;
}

/** Processes run as plain process groups: what `sandbox: "off"` / `--no-sandbox` chose. */
export function unconfinedSandbox(): Confiner {
  return { confined: false, hosts: [], confinement: () => Promise.resolve({ kind: 'unconfined' }) };
}

function notStarted(spawnError: string): GroupRunResult {
  return { exitCode: null, signal: null, timedOut: false, cancelled: false, output: '', spawnError };
}

/**
 * The one spawner for agent-side programs: `file args` in its own process group (timeouts and
 * cancels kill the group), confined as `confinement` says. With a host list, the network bridge
 * lives exactly as long as the process.
 */
export async function runConfined(
  confinement: Confinement,
  file: string,
  args: readonly string[],
  options: GroupRunOptions,
): Promise<GroupRunResult> {
  if (confinement.kind === 'unconfined') return runInGroup(file, [...args], options);
  const { policy } = confinement;
  // bwrap would start and then fail to exec: say "could not start" as a plain spawn would.
  const program = file.includes('/') ? file : await findOnPath(file, options.env.PATH ?? '');
  if (program === null) return notStarted(`spawn ${file} ENOENT`);
  const argv = [file, ...args];
  // The private /tmp is the only scratch space in there.
  options = { ...options, env: { ...options.env, TMPDIR: '/tmp' } };
  if (policy.network.mode === 'none') {
    return runInGroup(confinement.bwrap, bwrapArgv(policy, argv), { ...options, cwd: policy.cwd });
  }
  let bridge;
  try {
    bridge = await startNetBridge(policy.network.hosts);
  } catch (error) {
    return notStarted(`the sandbox's network bridge could not start: ${(error as Error).message}`);
  }
  try {
    const wrapped = bwrapArgv(policy, bridge.wrap(argv), bridge);
    return await runInGroup(confinement.bwrap, wrapped, { ...options, cwd: policy.cwd });
  } finally {
    await bridge.close();
  }
}

/** `file args` for an agent in `worktree` (cwd), confined by `sandbox`. */
export async function runForAgent(
  sandbox: Confiner,
  worktree: string,
  file: string,
  args: readonly string[],
  options: Omit<GroupRunOptions, 'cwd'>,
  network?: NetworkPolicy,
): Promise<GroupRunResult> {
  return runConfined(await sandbox.confinement(worktree, network), file, args, { ...options, cwd: worktree });
}
