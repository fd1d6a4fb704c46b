import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runForAgent } from '../../src/sandbox/run.js';
import { tempRepo } from '../helpers/repo.js';
import { realSandbox } from '../helpers/sandbox.js';

// The sandbox's only way out: socat listeners inside, Unix sockets to maestro's side outside.
const servers: Server[] = [];
afterEach(() => Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve)))));

/** A loopback server that answers each connection with `reply:<what it got>`. */
async function echoServer(): Promise<number> {
  const server = createServer((socket) => socket.once('data', (data) => socket.end(`reply:${data}`)));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** Node inside the sandbox: connects to 127.0.0.1:port at once and prints what comes back. */
const client = (port: number, send: string): string[] => [
  process.execPath,
  '-e',
  `const s = require('node:net').connect(${port}, '127.0.0.1', () => s.write(${JSON.stringify(send)}));
   let got = ''; s.on('data', (d) => (got += d)); s.on('end', () => console.log(got));
   s.on('error', (e) => { console.log('error ' + e.code); process.exitCode = 3; });`,
];

const env = (): Record<string, string> => ({ PATH: process.env.PATH ?? '/usr/bin:/bin' });

describe('the sandbox network bridge', () => {
  it('forwards an allowed loopback port from the first instant, and the program keeps its exit status', async () => {
    const repo = await tempRepo();
    const port = await echoServer();
    const sandbox = await realSandbox(repo, undefined, [{ host: '127.0.0.1', port }]);
    const [file, ...args] = client(port, 'ping');
    const result = await runForAgent(sandbox, repo, file!, args, { env: env(), timeoutMs: 20_000 });
    expect(result.output.trim()).toBe('reply:ping');
    expect(result.exitCode).toBe(0);

    const failing = await runForAgent(sandbox, repo, 'sh', ['-c', 'exit 7'], {
      env: env(),
      timeoutMs: 20_000,
    });
    expect(failing.exitCode).toBe(7);
  });

  it('reaches no other loopback port, and its proxy admits only the listed remote hosts', async () => {
    const repo = await tempRepo();
    const allowed = await echoServer();
    const other = await echoServer();
    const sandbox = await realSandbox(repo, undefined, [
      { host: '127.0.0.1', port: allowed },
      { host: 'api.example.invalid', port: 443 },
    ]);
    const [file, ...args] = client(other, 'ping');
    const refused = await runForAgent(sandbox, repo, file!, args, { env: env(), timeoutMs: 20_000 });
    expect(refused.output.trim()).toBe('error ECONNREFUSED');

    const proxy = [
      '-e',
      `const url = new URL(process.env.HTTPS_PROXY);
       const ask = (target) => new Promise((resolve) => {
         const s = require('node:net').connect(Number(url.port), url.hostname, () => s.write('CONNECT ' + target + ' HTTP/1.1\\r\\n\\r\\n'));
         s.once('data', (d) => { resolve(String(d).split('\\r\\n')[0]); s.destroy(); });
       });
       (async () => console.log([process.env.NO_PROXY, await ask('evil.example:443')].join('|')))();`,
    ];
    const asked = await runForAgent(sandbox, repo, process.execPath, proxy, {
      env: env(),
      timeoutMs: 20_000,
    });
    expect(asked.output.trim()).toBe('localhost,127.0.0.1,::1|HTTP/1.1 403 Forbidden');
  });
});
