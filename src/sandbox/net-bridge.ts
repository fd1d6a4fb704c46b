import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bridgeMountPoint } from './bwrap.js';
import { isLoopbackHost, type HostPort } from './policy.js';
import { findOnPath } from './probe.js';

/**
 * The only way out of a sandbox's empty network namespace: Unix sockets in a folder bound into
 * it. Outside, each loopback host:port gets a socket that pipes to it (the same port inside, so a
 * base URL like http://127.0.0.1:8080 works unchanged), and other hosts share one CONNECT proxy
 * socket that admits only the listed host:port pairs (HTTPS_PROXY inside). Inside, socat listens
 * on 127.0.0.1 for each (`launcherScript`), then the command runs.
 */
export interface NetBridge {
  dir: string;
  /** A loopback port below 1024 is forwarded: the launcher needs to bind it inside (see `bwrapArgv`). */
  lowPorts: boolean;
  /** The argv that runs `argv` behind the bridge, inside the sandbox. */
  wrap(argv: readonly string[]): string[];
  close(): Promise<void>;
}

/** socat on the host's PATH: the sandbox sees the same file system (read-only), so the same path works. */
let socat: Promise<string | null> | undefined;

export class MissingSocatError extends Error {
  constructor() {
    super(
      'socat is not installed (`sudo apt-get install socat`): the sandbox reaches its allowed hosts through it',
    );
  }
}

/**
 * Runs inside the sandbox: `sh -c script maestro-net <program> <args...>`. One socat per
 * loopback port (a C process of a few hundred kB, where a Node launcher took ~40 MB and 70 ms of
 * CPU per agent: bench/scale, 50 agents), then, once the kernel lists every port as listening
 * (`/proc/net/tcp` of the sandbox's own network namespace, state 0A), the program replaces the
 * shell: its signals, exit status and process group are its own. The socats die with the
 * sandbox's PID namespace when the program ends. socat address syntax: http://www.dest-unreach.org/socat/doc/socat.html
 */
export function launcherScript(
  socatPath: string,
  spec: { dir: string; forward: { port: number; sock: string }[]; proxyPort: number | null },
): string {
  const listeners = [
    ...spec.forward.map((f) => ({ port: f.port, sock: `${spec.dir}/${f.sock}` })),
    ...(spec.proxyPort === null ? [] : [{ port: spec.proxyPort, sock: `${spec.dir}/proxy.sock` }]),
  ];
  const quoted = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;
  const start = listeners.map(
    (l, i) =>
      `${quoted(socatPath)} -lf /dev/null TCP4-LISTEN:${l.port},bind=127.0.0.1,reuseaddr,fork ${quoted(`UNIX-CONNECT:${l.sock}`)} & p${i}=$!`,
  );
  const wanted = listeners.map((l) => `0100007F:${l.port.toString(16).toUpperCase().padStart(4, '0')}:0A`);
  // A socat that exited is a zombie until the shell reaps it: its state in /proc says so.
  const alive = listeners
    .map((_, i) => `{ read -r _ _ s _ < /proc/"$p${i}"/stat && [ "$s" != Z ]; } 2>/dev/null || fail`)
    .join('; ');
  const proxy =
    spec.proxyPort === null
      ? []
      : [
          `export HTTPS_PROXY=http://127.0.0.1:${spec.proxyPort} https_proxy=http://127.0.0.1:${spec.proxyPort}`,
          `export HTTP_PROXY=http://127.0.0.1:${spec.proxyPort} http_proxy=http://127.0.0.1:${spec.proxyPort}`,
          `export NO_PROXY=localhost,127.0.0.1,::1 no_proxy=localhost,127.0.0.1,::1`,
        ];
  return [
    `fail() { echo 'maestro sandbox network: socat could not listen' >&2; exit 126; }`,
    ...start,
    'n=0',
    'while :; do',
    '  up=0',
    '  while read -r _ addr _ state _; do',
    `    case "$addr:$state" in ${wanted.join('|')}) up=$((up + 1)) ;; esac`,
    '  done < /proc/net/tcp',
    `  [ "$up" -ge ${listeners.length} ] && break`,
    `  ${alive}`,
    '  n=$((n + 1)); [ "$n" -ge 1000 ] && fail',
    '  sleep 0.005',
    'done',
    ...proxy,
    'exec "$@"',
  ].join('\n');
}

function pipeTo(client: Socket, target: HostPort, head?: Buffer): void {
  const upstream = createConnection({ host: target.host, port: target.port });
  if (head && head.length > 0) upstream.write(head);
  client.pipe(upstream).pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
}

/** A CONNECT-only proxy: one request head, then a blind pipe to an admitted host:port, or 403. */
function proxyConnection(client: Socket, allowed: readonly HostPort[]): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) {
      if (buffered.length > 16_384) client.destroy();
      return;
    }
    client.off('data', onData);
    const line = buffered.subarray(0, buffered.indexOf('\r\n')).toString('latin1');
    const match = /^CONNECT (\[[^\]]+\]|[^\s:]+):(\d+) HTTP\/1\.[01]$/.exec(line);
    const host = match?.[1]?.replace(/^\[|\]$/g, '').toLowerCase();
    const port = Number(match?.[2]);
    if (!allowed.some((h) => h.host.toLowerCase() === host && h.port === port)) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    pipeTo(client, { host: host!, port }, buffered.subarray(end + 4));
  };
  client.on('data', onData);
  client.on('error', () => client.destroy());
}

function listenOn(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
}

export async function startNetBridge(hosts: readonly HostPort[]): Promise<NetBridge> {
  socat ??= findOnPath('socat');
  const program = await socat;
  if (program === null) {
    socat = undefined;
    throw new MissingSocatError();
  }
  const dir = await mkdtemp(join(tmpdir(), 'maestro-net-'));
  const servers: Server[] = [];
  const loopback = hosts.filter((h) => isLoopbackHost(h.host));
  const remote = hosts.filter((h) => !isLoopbackHost(h.host));
  const forward: { port: number; sock: string }[] = [];
  try {
    for (const [index, target] of loopback.entries()) {
      const sock = `${index}.sock`;
      const server = createServer((client) => pipeTo(client, target));
      servers.push(server);
      await listenOn(server, join(dir, sock));
      forward.push({ port: target.port, sock });
    }
    if (remote.length > 0) {
      const server = createServer((client) => proxyConnection(client, remote));
      servers.push(server);
      await listenOn(server, join(dir, 'proxy.sock'));
    }
  } catch (error) {
    for (const server of servers) server.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const spec = { dir: bridgeMountPoint, forward, proxyPort: remote.length > 0 ? freePort(forward) : null };
  const script = launcherScript(program, spec);
  return {
    dir,
    lowPorts: forward.some((f) => f.port < 1024),
    wrap: (argv) => ['/bin/sh', '-c', script, 'maestro-net', ...argv],
    close: async () => {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The proxy's port inside: the sandbox's network namespace is empty, so any port not forwarded is free. */
function freePort(forward: readonly { port: number }[]): number {
  let port = 3128;
  while (forward.some((f) => f.port === port)) port += 1;
  return port;
}
