import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Whether an OS sandbox can start here, and if not, what is missing and how to get it. */
export type SandboxProbe = { ok: true; bwrap: string } | { ok: false; missing: string; fix: string };

export async function findOnPath(program: string, path = process.env.PATH ?? ''): Promise<string | null> {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    const found = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (found) return candidate;
  }
  return null;
}

function run(file: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => resolve({ code: null, stderr: error.message }));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/**
 * Looks for bubblewrap and starts one empty sandbox with the namespaces maestro uses (user, PID,
 * network): the only proof that this kernel and its settings allow them.
 */
export async function probeSandbox(platform: NodeJS.Platform = process.platform): Promise<SandboxProbe> {
  if (platform !== 'linux') {
    return {
      ok: false,
      missing: `an OS sandbox for ${platform} (maestro confines agents with bubblewrap, on Linux only)`,
      fix: 'run maestro on Linux (a VM or container works), or accept unconfined agents with --no-sandbox',
    };
  }
  const bwrap = await findOnPath('bwrap');
  if (bwrap === null) {
    return {
      ok: false,
      missing: 'bubblewrap (bwrap is not on PATH)',
      fix: 'install it: `sudo apt-get install bubblewrap` (Debian/Ubuntu), `sudo dnf install bubblewrap` (Fedora), `sudo pacman -S bubblewrap` (Arch)',
    };
  }
  const args = ['--unshare-user', '--unshare-pid', '--unshare-net', '--ro-bind', '/', '/'];
  const probe = await run(bwrap, [...args, '--proc', '/proc', '--dev', '/dev', '--', 'true']);
  if (probe.code === 0) return { ok: true, bwrap };
  const why = probe.stderr.trim().split('\n')[0] ?? `exit ${probe.code}`;
  return {
    ok: false,
    missing: `user namespaces (bwrap could not start: ${why})`,
    fix: 'allow unprivileged user namespaces: `sudo sysctl -w kernel.unprivileged_userns_clone=1` (Debian) or `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` (Ubuntu 24.04+); in a container, run it with --security-opt seccomp=unconfined or use a VM',
  };
}
