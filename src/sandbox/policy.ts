import { isAbsolute, join, normalize, sep } from 'node:path';

/**
 * What a sandboxed process may see and touch, as data: built by a pure function from the facts
 * of one task (its worktree, the repository's git folders, what stays hidden), turned into
 * bubblewrap arguments by `bwrapArgv`, and sent as-is to the agent's tool host.
 */

/** A host and port a sandboxed process may connect to; everything else is unreachable. */
export interface HostPort {
  host: string;
  port: number;
}

export type NetworkPolicy = { mode: 'none' } | { mode: 'hosts'; hosts: HostPort[] };

/**
 * One mount over the read-only root, applied shallowest first: `hide` puts an empty private
 * tmpfs over a folder, `ro` and `rw` bind a path back (if it exists) read-only or writable.
 */
export interface Mount {
  kind: 'hide' | 'ro' | 'rw';
  path: string;
}

export interface SandboxPolicy {
  mounts: Mount[];
  network: NetworkPolicy;
  /** Where the process starts. */
  cwd: string;
}

export interface PolicyInput {
  /** The task's worktree: the folder (with a private /tmp, and `writable`) the process may write. */
  worktree: string;
  /** The main repository's git common dir: readable, so git works; never writable as a whole. */
  gitCommonDir: string;
  /**
   * The worktree's own admin folder (`<common>/worktrees/<name>`): writable, it holds the
   * worktree's index and HEAD. Null when `worktree` is the main checkout (nothing is writable then
   * but the objects).
   */
  gitAdminDir: string | null;
  /**
   * Folders whose contents the process must not see: the user's home (config files, keys), the
   * folder holding every task's worktree, maestro's run folder. `/tmp`, `/var/tmp` and `/run`
   * are always hidden.
   */
  hidden: readonly string[];
  /** Folders readable again inside hidden ones: dependency folders linked into the worktree, tools on PATH. */
  readable: readonly string[];
  /** Private folders maestro made for this one process outside the worktree (a CLI's own state): writable. */
  writable?: readonly string[];
  network: NetworkPolicy;
  /** Where the process starts; default the worktree. */
  cwd?: string;
}

/** Shared scratch and runtime folders (other users' files, sockets such as docker's): never visible. */
export const alwaysHidden = ['/tmp', '/var/tmp', '/run', '/dev/shm'];
const order: Record<Mount['kind'], number> = { hide: 0, ro: 1, rw: 2 };

function depth(path: string): number {
  return path === sep ? 0 : path.split(sep).length - 1;
}

function clean(path: string): string {
  if (!isAbsolute(path)) throw new Error(`sandbox paths must be absolute: ${path}`);
  const normal = normalize(path);
  return normal.length > 1 && normal.endsWith(sep) ? normal.slice(0, -1) : normal;
}

/**
 * The mounts for one task. A deeper mount lands on top of a shallower one, so sorting by depth
 * lets "hide the home folder, show the repository's .git inside it read-only, hide the other
 * worktrees' admin folders inside that, and make this worktree's admin folder writable" compose.
 */
export function buildPolicy(input: PolicyInput): SandboxPolicy {
  const worktree = clean(input.worktree);
  const common = clean(input.gitCommonDir);
  const mounts: Mount[] = [
    ...[...alwaysHidden, ...input.hidden].map((path) => ({ kind: 'hide' as const, path: clean(path) })),
    // Other worktrees' admin folders and maestro's own run state (journal, plan) live in here.
    { kind: 'hide', path: join(common, 'worktrees') },
    { kind: 'hide', path: join(common, 'maestro') },
    { kind: 'ro', path: common },
    ...input.readable.map((path) => ({ kind: 'ro' as const, path: clean(path) })),
    { kind: 'rw', path: worktree },
    ...(input.writable ?? []).map((path) => ({ kind: 'rw' as const, path: clean(path) })),
    // git writes the objects of `git add`/`git stash` here; refs, config and hooks stay read-only.
    { kind: 'rw', path: join(common, 'objects') },
    ...(input.gitAdminDir === null ? [] : [{ kind: 'rw' as const, path: clean(input.gitAdminDir) }]),
    // The worktree's `.git` pointer file: rewritten, it would aim maestro's git at a planted repository.
    { kind: 'ro', path: join(worktree, '.git') },
  ];
  return { mounts: sortMounts(mounts), network: input.network, cwd: clean(input.cwd ?? worktree) };
}

/** Shallowest first; at equal depth hide, then read-only, then writable; one mount per path (the last kind wins). */
export function sortMounts(mounts: readonly Mount[]): Mount[] {
  const byPath = new Map<string, Mount>();
  for (const mount of mounts) {
    const seen = byPath.get(mount.path);
    if (!seen || order[mount.kind] >= order[seen.kind]) byPath.set(mount.path, mount);
  }
  return [...byPath.values()].sort(
    (a, b) => depth(a.path) - depth(b.path) || order[a.kind] - order[b.kind] || a.path.localeCompare(b.path),
  );
}

/** `host:port` entries from config (`sandboxHosts`) or a provider URL's origin. */
export function parseHostPort(entry: string): HostPort | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry.trim());
  if (!match) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) return null;
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** The host and port a base URL connects to (default ports by scheme). */
export function hostOfUrl(url: string): HostPort | null {
  try {
    const parsed = new URL(url);
    const port = parsed.port !== '' ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
    return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return null;
  }
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
