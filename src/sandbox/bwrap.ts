import type { Mount, SandboxPolicy } from './policy.js';

/** Where a process with a host list finds its network bridge's sockets, inside the sandbox. */
export const bridgeMountPoint = '/tmp/.maestro-net';

function mountArgs(mount: Mount): string[] {
  switch (mount.kind) {
    case 'hide':
      return ['--tmpfs', mount.path];
    case 'ro':
      return ['--ro-bind-try', mount.path, mount.path];
    case 'rw':
      return ['--bind-try', mount.path, mount.path];
  }
}

/**
 * The bubblewrap argument vector that runs `argv` under `policy`: the whole file system
 * read-only, the policy's mounts on top, fresh /dev, /proc and namespaces (user, PID, network,
 * IPC, UTS, cgroup), no capabilities, and death with its parent. No `--new-session`: the process
 * group is already a session without a terminal (spawned detached), and staying in that group lets
 * pause (SIGSTOP) and the SIGTERM grace period reach every process inside. In its own PID namespace the process sees no other process, and when its first process
 * ends the kernel kills every process left in there, whatever signals they ignore.
 * bwrap options: https://github.com/containers/bubblewrap/blob/main/bwrap.xml
 */
export function bwrapArgv(policy: SandboxPolicy, argv: readonly string[], bridgeDir?: string): string[] {
  return [
    '--unshare-user',
    '--unshare-pid',
    '--unshare-net',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--die-with-parent',
    '--cap-drop',
    'ALL',
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    ...policy.mounts.flatMap(mountArgs),
    ...(bridgeDir === undefined ? [] : ['--bind', bridgeDir, bridgeMountPoint]),
    '--chdir',
    policy.cwd,
    '--',
    ...argv,
  ];
}
