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
 *
 * With a network bridge, its folder is bound in. When the bridge forwards a loopback port below
 * 1024 (a base URL like http://127.0.0.1:80), its launcher must bind that port inside, so the
 * process keeps CAP_NET_BIND_SERVICE and nothing else, as uid 0 of the sandbox's user namespace
 * (still the invoking user outside: files it creates are the user's). The uid matters: for another
 * uid, unprivileged bwrap nests a second user namespace and the capability would be held in that
 * one, which does not own the network namespace. The kernel checks the capability against the user
 * namespace owning the network namespace, so it lets the process bind low ports in its own empty
 * network namespace and nowhere else
 * (https://man7.org/linux/man-pages/man7/user_namespaces.7.html, "Interaction of user namespaces
 * and other types of namespaces"; `--uid`, `--cap-add` in bwrap.xml above).
 */
export function bwrapArgv(
  policy: SandboxPolicy,
  argv: readonly string[],
  bridge?: { dir: string; lowPorts: boolean },
): string[] {
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
    ...(bridge?.lowPorts ? ['--uid', '0', '--gid', '0', '--cap-add', 'CAP_NET_BIND_SERVICE'] : []),
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    ...policy.mounts.flatMap(mountArgs),
    ...(bridge === undefined ? [] : ['--bind', bridge.dir, bridgeMountPoint]),
    '--chdir',
    policy.cwd,
    '--',
    ...argv,
  ];
}
