import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { writeFile, chmod } from 'node:fs/promises';
import { afterEach } from 'vitest';
import { launcher } from '../helpers/cli.js';
import { runGit, tempDir } from '../helpers/repo.js';

/**
 * "Machines" for distributed tests: a redis-server on a free loopback port (no persistence, as
 * FACTS says), a bare repository as the shared remote, and `maestro worker` processes each with its
 * own data folder. Everything started here is stopped after the test.
 */
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length > 0) await stops.pop()?.();
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface Process {
  child: ChildProcess;
  /** stdout and stderr as they came. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves once the output contains `text`. */
  waitFor(text: string | RegExp, ms?: number): Promise<void>;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

export function track(child: ChildProcess): Process {
  let text = '';
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const waiter of waiters) waiter();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    onData(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
    onData(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => {
    done = true;
    for (const waiter of waiters) waiter();
  });
  return {
    child,
    output: () => text,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: (signal = 'SIGTERM') => {
      if (!done) child.kill(signal);
    },
    waitFor: (pattern, ms = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const matches = (): boolean =>
          typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${String(pattern)} in:\n${text.slice(-3000)}`));
        }, ms);
        const check = (): void => {
          if (matches()) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          } else if (done) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`process exited before ${String(pattern)}:\n${text.slice(-3000)}`));
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Stop and start again on the same port: every key is gone (no persistence). */
  restart(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let current: Process | undefined;
  const start = async (): Promise<void> => {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    current = track(child);
    await current.waitFor('Ready to accept connections');
  };
  const stop = async (): Promise<void> => {
    if (!current) return;
    const proc = current;
    current = undefined;
    proc.kill('SIGKILL');
    await proc.exited;
  };
  await start();
  stops.push(stop);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
  };
}

/** A bare repository holding `repo`'s main branch: the remote every "machine" shares. */
export async function bareRemote(repo: string): Promise<string> {
  const remote = join(await tempDir('maestro-remote-'), 'shared.git');
  runGit(repo, ['init', '-q', '--bare', remote]);
  runGit(repo, ['push', '-q', remote, 'main']);
  return remote;
}

/** A pre-receive hook on the remote that refuses pushes from a process with MAESTRO_TEST_REFUSE_PUSH set. */
export async function refusePushesWhenFlagged(remote: string): Promise<void> {
  const hook = join(remote, 'hooks', 'pre-receive');
  await writeFile(
    hook,
    '#!/bin/sh\nif [ -n "$MAESTRO_TEST_REFUSE_PUSH" ]; then echo "refused by the test hook" >&2; exit 1; fi\nexit 0\n',
  );
  await chmod(hook, 0o755);
}

/**
 * A pre-receive hook on the remote that refuses the first push of a task branch (whoever makes
 * it) and lets every later push through.
 */
export async function refuseFirstTaskPush(remote: string): Promise<void> {
  const flag = join(remote, 'refuse-next-task-push');
  await writeFile(flag, '');
  const hook = join(remote, 'hooks', 'pre-receive');
  await writeFile(
    hook,
    [
      '#!/bin/sh',
      'while read -r old new ref; do',
      '  case "$ref" in refs/maestro/*/tasks/*)',
      `    if [ -e '${flag}' ]; then rm -f '${flag}'; echo "refused once by the test hook" >&2; exit 1; fi;;`,
      '  esac',
      'done',
      'exit 0',
      '',
    ].join('\n'),
  );
  await chmod(hook, 0o755);
}

export interface WorkerProcess extends Process {
  name: string;
  data: string;
}

export async function startWorker(options: {
  name: string;
  redis: string;
  remote: string;
  env: Record<string, string>;
  slots?: number;
  stallSeconds?: number;
  wait?: boolean;
}): Promise<WorkerProcess> {
  const data = await tempDir(`maestro-worker-${options.name}-`);
  const args = [
    launcher,
    'worker',
    '--redis',
    options.redis,
    '--remote',
    options.remote,
    '--name',
    options.name,
    '--data',
    data,
    '--slots',
    String(options.slots ?? 4),
    '--stall-seconds',
    String(options.stallSeconds ?? 30),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...options.env },
  });
  const proc = track(child);
  stops.push(async () => {
    proc.kill('SIGKILL');
    await proc.exited;
  });
  if (options.wait !== false) await proc.waitFor('taking jobs');
  return { ...proc, name: options.name, data };
}

/** `maestro <args>` as a long-running child (the orchestrator), stopped after the test. */
export function startCli(args: string[], cwd: string, env: Record<string, string>): Process {
  const child = spawn(process.execPath, [launcher, '--trust-config', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
  });
  const proc = track(child);
  stops.push(async () => {
    proc.kill('SIGKILL');
    await proc.exited;
  });
  return proc;
}
