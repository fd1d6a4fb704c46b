import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bridgeMountPoint } from './bwrap.js';
import { isLoopbackHost, type HostPort } from './policy.js';

/**
 * The only way out of a sandbox's empty network namespace: Unix sockets in a folder bound into
 * it. Outside, each loopback host:port gets a socket that pipes to it (the same port inside, so a
 * base URL like http://127.0.0.1:8080 works unchanged), and other hosts share one CONNECT proxy
 * socket that admits only the listed host:port pairs (HTTPS_PROXY inside). Inside, a small Node
 * launcher listens on 127.0.0.1 for each, then runs the command.
 */
export interface NetBridge {
  dir: string;
  /** A loopback port below 1024 is forwarded: the launcher needs to bind it inside (see `bwrapArgv`). */
  lowPorts: boolean;
  /** The argv that runs `argv` behind the bridge, inside the sandbox. */
  wrap(argv: readonly string[]): string[];
  close(): Promise<void>;
}

/** Runs inside the sandbox: `node -e launcher -- <spec json> <program> <args...>`. */
const launcher = `
const net = require('node:net');
const { spawn } = require('node:child_process');
const [specText, file, ...args] = process.argv.slice(1);
const spec = JSON.parse(specText);
const listen = (port, sock) => new Promise((ok, fail) => {
  const server = net.createServer((c) => { const u = net.connect(sock); c.pipe(u).pipe(c); c.on('error', () => u.destroy()); u.on('error', () => c.destroy()); });
  server.once('error', fail);
  server.listen(port, '127.0.0.1', () => ok(server.address().port));
});
(async () => {
  const env = { ...process.env };
  for (const f of spec.forward) await listen(f.port, spec.dir + '/' + f.sock);
  if (spec.proxy) {
    const port = await listen(0, spec.dir + '/proxy.sock');
    env.HTTPS_PROXY = env.https_proxy = env.HTTP_PROXY = env.http_proxy = 'http://127.0.0.1:' + port;
    env.NO_PROXY = env.no_proxy = 'localhost,127.0.0.1,::1';
  }
  const child = spawn(file, args, { stdio: 'inherit', env });
  for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => child.kill(s));
  child.on('error', (e) => { process.stderr.write(file + ': ' + e.message + '\\n'); process.exit(127); });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (require('node:os').constants.signals[signal] ?? 9)));
})().catch((e) => { process.stderr.write('maestro sandbox network: ' + e.message + '\\n'); process.exit(126); });
`;

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
  const spec = JSON.stringify({ dir: bridgeMountPoint, forward, proxy: remote.length > 0 });
  return {
    dir,
    lowPorts: forward.some((f) => f.port < 1024),
    wrap: (argv) => [process.execPath, '-e', launcher, '--', spec, ...argv],
    close: async () => {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
