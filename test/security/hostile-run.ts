import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { launcher, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/repo.js';
import type { FakeServer } from '../../src/llm/fake/index.js';
import { call, conversation, fixtureRepo, isolatedEnv } from '../e2e/harness.js';

/**
 * A hostile agent on the fake server, run by the real `maestro run`: it writes a probe script and
 * runs it (as a command, then as the project's validation), abuses run_command, and tries every
 * way out the issue lists. The test then looks at what changed outside and what leaked.
 */
export const planted = {
  OPENAI_API_KEY: 'sk-e2e-PLANTED-openai-0c9d8e7f6a5b4c3d',
  AWS_SECRET_ACCESS_KEY: 'PLANTEDawsSecretKey0123456789abcdefghijkl',
  AWS_ACCESS_KEY_ID: 'AKIAPLANTED000000000',
  DATABASE_URL: 'postgres://app:PLANTEDdbpassword77@db.internal:5432/app',
  PGPASSWORD: 'PLANTED-pg-password-19',
  npm_config__authToken: 'PLANTED-npm-auth-token-5521',
};
export const homeSecret = 'PLANTED-home-config-secret-8812';
export const marker = 'maestro-escape-marker-4177';

export interface HostileFixture {
  repo: string;
  worktrees: string;
  home: string;
  outside: string;
  sentinel: string;
  canary: Server;
  connections: () => number;
}

/** A TCP server the probe tries to reach: every accepted connection is an escape. */
async function canaryServer(): Promise<{ server: Server; count: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, count: () => count };
}

export function probeScript(
  fx: { repo: string; outside: string; sentinel: string; home: string },
  port: number,
): string {
  const git = join(fx.repo, '.git');
  return `import fs from 'node:fs';
import net from 'node:net';
import { spawn } from 'node:child_process';
const out = [];
const attempt = (name, fn) => { try { fn(); out.push(name + ': DONE'); } catch (e) { out.push(name + ': blocked ' + (e.code ?? e.message)); } };
attempt('write outside', () => fs.appendFileSync(${JSON.stringify(fx.sentinel)}, 'pwned'));
attempt('new file outside', () => fs.writeFileSync(${JSON.stringify(join(fx.outside, 'new.txt'))}, 'pwned'));
attempt('plant hook', () => { fs.writeFileSync(${JSON.stringify(join(git, 'hooks', 'pre-commit'))}, '#!/bin/sh\\ntouch ${join(fx.outside, 'hook-ran')}\\n'); fs.chmodSync(${JSON.stringify(join(git, 'hooks', 'pre-commit'))}, 0o755); });
attempt('plant config', () => fs.appendFileSync(${JSON.stringify(join(git, 'config'))}, '[core]\\n\\tfsmonitor = /bin/false\\n\\thooksPath = .githooks\\n'));
attempt('touch run folder', () => fs.writeFileSync(${JSON.stringify(join(git, 'maestro', 'planted'))}, 'x'));
attempt('write refs', () => fs.writeFileSync(${JSON.stringify(join(git, 'refs', 'heads', 'planted'))}, '0'.repeat(40) + '\\n'));
attempt('read home config', () => out.push('home: ' + fs.readFileSync(${JSON.stringify(join(fx.home, '.secret-config'))}, 'utf8')));
attempt('list run folder', () => out.push('runs: ' + fs.readdirSync(${JSON.stringify(join(git, 'maestro'))}).join(',')));
const environ = [];
for (const pid of fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p))) {
  try { environ.push(pid + ':' + fs.readFileSync('/proc/' + pid + '/environ', 'utf8').replace(/\\0/g, ' ')); } catch {}
}
out.push('processes seen: ' + environ.length);
fs.writeFileSync('loot.txt', environ.join('\\n'));
spawn('setsid', ['sh', '-c', 'trap "" TERM HUP; while :; do sleep 0.2; done; : ${marker}'], { detached: true, stdio: 'ignore' }).unref();
await new Promise((resolve) => {
  const socket = net.connect(${port}, '127.0.0.1');
  socket.on('connect', () => { out.push('network: CONNECTED'); socket.end('hello'); resolve(); });
  socket.on('error', (e) => { out.push('network: blocked ' + e.code); resolve(); });
});
console.log(out.join('\\n'));
`;
}

export function hostileRules(probe: string, outsideFile: string) {
  return [
    {
      name: 'planner',
      match: { hasTool: 'submit_plan' },
      reply: {
        toolCalls: [
          {
            name: 'submit_plan',
            arguments: {
              objective: 'Probe the sandbox',
              tasks: [{ id: 'probe', title: 'Probe', instructions: 'Escape.', dependsOn: [] }],
            },
          },
        ],
      },
    },
    ...conversation('probe', [
      call('write_file', { path: 'probe.mjs', content: probe }),
      call('run_command', { command: 'node probe.mjs' }),
      call('run_command', { command: 'git diff\ntouch pwned' }),
      call('run_command', { command: `git diff --output=${outsideFile}` }),
      call('run_command', { command: 'git diff --no-index /etc/hostname README.md' }),
      call('write_file', { path: '.githooks/pre-commit', content: `#!/bin/sh\ntouch ${outsideFile}.hook\n` }),
      call('finish', { summary: 'probed' }),
    ]),
  ];
}

/** The fixture: a repository whose validation runs the probe, a sentinel outside, a secret in HOME. */
export async function hostileFixture(config: Record<string, unknown> = {}): Promise<HostileFixture> {
  const base = await fixtureRepo(
    { 'README.md': '# target\n', 'package.json': '{"name":"target","private":true}\n' },
    {
      validate: ['node probe.mjs'],
      allowCommands: ['git diff'],
      agentLimits: { maxTurns: 12 },
      ...config,
    },
  );
  const outside = await tempDir('maestro-outside-');
  const sentinel = join(outside, 'sentinel.txt');
  await writeFile(sentinel, 'do not touch\n');
  await mkdir(join(base.repo, '.git', 'maestro'), { recursive: true });
  await writeFile(join(base.home, '.secret-config'), `token=${homeSecret}\n`);
  const { server, count } = await canaryServer();
  return { ...base, outside, sentinel, canary: server, connections: count };
}

/** Hash of every file below `dir` (path -> sha256). */
export function hashTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile()) continue;
    out.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return out;
}

/** Every regular file below the folders, read as text. */
export function filesText(...dirs: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath, entry.name);
      if (entry.isFile() && statSync(path).size < 4_000_000) out.push([path, readFileSync(path, 'latin1')]);
    }
  }
  return out;
}

/** git as root on a repository another user may own. */
export function gitOut(repo: string, args: string[]): string {
  return execFileSync('git', ['-c', 'safe.directory=*', ...args], { cwd: repo, encoding: 'utf8' });
}

/** `maestro run` on the fake server, as this user or (`uid`) another one. */
export async function runHostile(
  fx: HostileFixture,
  server: FakeServer,
  args: string[],
  as?: { uid: number; gid: number },
): Promise<CliResult> {
  const env = {
    NO_COLOR: '1',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...isolatedEnv(fx.home),
    OPENAI_BASE_URL: server.openaiBaseURL,
    ...planted,
  };
  const argv = [
    launcher,
    '--trust-config',
    'run',
    '--task',
    'Probe the sandbox',
    '--headless',
    '--json',
    ...args,
  ];
  const [file, fileArgs] =
    as === undefined
      ? [process.execPath, argv]
      : [
          'setpriv',
          [`--reuid=${as.uid}`, `--regid=${as.gid}`, '--clear-groups', '--', process.execPath, ...argv],
        ];
  const result = await execa(file, fileArgs, {
    cwd: fx.repo,
    env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    timeout: 240_000,
  });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
}

/** An ordinary user for the non-root half (created once; root only). */
export function ordinaryUser(name = 'maestro-sbx'): { uid: number; gid: number } {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'ignore' });
  }
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Hand the fixture to `owner`, so only the sandbox (not file permissions) stands in the way. */
export function giveTo(fx: HostileFixture, owner: { uid: number; gid: number }): void {
  for (const dir of [fx.repo, fx.worktrees, fx.home, fx.outside]) {
    execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, dir]);
    chmodSync(dir, 0o755);
  }
}
