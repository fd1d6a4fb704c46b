import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { isAlive } from '../helpers/processes.js';
import { describe, expect, it, vi } from 'vitest';
import { SpawnHost } from '../../src/process/spawn-host.js';
import { launchDetachedThrough, type DetachedEvents } from '../../src/process/detached.js';
import { runInGroup } from '../../src/sandbox/process-group.js';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';

const sh = (script: string) => ({
  file: 'sh',
  args: ['-c', script],
  cwd: process.cwd(),
  env: { PATH: process.env.PATH },
  timeoutMs: 30_000,
  maxBuffer: 1024 * 1024,
});
/** A detached program's spec: `sh -c script`. */
const detached = (script: string) => ({
  file: 'sh',
  args: ['-c', script],
  cwd: process.cwd(),
  env: { PATH: process.env.PATH ?? '' },
  pipeGraceMs: 1_000,
});
/** A spawn host that this process's detached programs start through, and a file for a pid. */
async function agentsThroughHost() {
  const host = new SpawnHost();
  const restore = launchDetachedThrough((spec, events) => host.start(spec, events));
  const pidFile = join(await tempDir('maestro-spawn-'), 'pid');
  const stop = (): void => {
    restore();
    host.close();
  };
  return { host, pidFile, stop };
}
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8').trim();

describe('the spawn host', () => {
  it('starts programs from its own process, with their input, output and exit code', async () => {
    const host = new SpawnHost();
    try {
      const result = await host.run({ ...sh('echo "$PPID"; cat; echo oops >&2; exit 3'), input: 'fed\n' });
      const [parent, fed] = text(result.stdout).split('\n');
      expect(Number(parent)).not.toBe(process.pid);
      expect(fed).toBe('fed');
      expect(text(result.stderr)).toBe('oops');
      expect(result).toMatchObject({ started: true, code: 3, failure: null });
      const missing = await host.run({ ...sh(''), file: 'no-such-program-here' });
      expect(missing).toMatchObject({ started: false });
    } finally {
      host.close();
    }
  });

  it('ends a program whose caller aborts, and its children with it', async () => {
    const host = new SpawnHost();
    const pidFile = join(await tempDir('maestro-spawn-'), 'pid');
    try {
      const controller = new AbortController();
      const running = host.run(sh(`sleep 30 & echo $! > '${pidFile}'; wait`), controller.signal);
      const child = await vi.waitFor(async () => Number(await readFile(pidFile, 'utf8')), {
        timeout: 10_000,
      });
      controller.abort();
      expect((await running).failure).toBe('aborted');
      await vi.waitFor(() => expect(() => process.kill(child, 0)).toThrow(), { timeout: 10_000 });
    } finally {
      host.close();
    }
  });

  it('says so when it dies under a running program, and starts afresh for the next one', async () => {
    const host = new SpawnHost();
    try {
      const hostPid = Number(text((await host.run(sh('echo "$PPID"'))).stdout));
      const running = host.run(sh('sleep 30'));
      process.kill(hostPid, 'SIGKILL');
      await expect(running).rejects.toThrow(/spawn host exited \(SIGKILL\)/);
      expect(text((await host.run(sh('echo again'))).stdout)).toBe('again');
    } finally {
      host.close();
    }
  });

  it('starts a detached program and relays its output, exit and end in order', async () => {
    const host = new SpawnHost();
    try {
      const seen: string[] = [];
      const ended = new Promise<void>((resolve) => {
        const events: DetachedEvents = {
          spawned: (pid) => seen.push(`spawned ${pid > 0}`),
          output: (chunk, stream) => seen.push(`${stream} ${chunk.trim()}`),
          exited: (code) => seen.push(`exited ${code}`),
          ended: (code) => {
            seen.push(`ended ${code}`);
            resolve();
          },
          failed: (message) => seen.push(`failed ${message}`),
        };
        host.start(detached('echo out; sleep 0.2; echo err >&2; exit 4'), events);
      });
      await ended;
      expect(seen).toEqual(['spawned true', 'stdout out', 'stderr err', 'exited 4', 'ended 4']);
      const failed = await new Promise<string>((resolve) =>
        host.start(
          { ...detached(''), file: 'no-such-program-here' },
          {
            spawned: () => undefined,
            output: () => undefined,
            exited: () => undefined,
            ended: () => undefined,
            failed: resolve,
          },
        ),
      );
      expect(failed).toMatch(/ENOENT/);
    } finally {
      host.close();
    }
  });

  it('runs agent-side programs through the host: its own child, a time limit ends the whole group', async () => {
    const { pidFile, stop } = await agentsThroughHost();
    try {
      const options = { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '' }, timeoutMs: 30_000 };
      const parent = await runInGroup('sh', ['-c', 'echo "$PPID"'], options);
      expect(Number(parent.output.trim())).not.toBe(process.pid);
      expect(parent).toMatchObject({ exitCode: 0, timedOut: false });
      const slow = await runInGroup('sh', ['-c', `sleep 30 & echo $! > '${pidFile}'; wait`], {
        ...options,
        timeoutMs: 500,
        graceMs: 200,
      });
      expect(slow.timedOut).toBe(true);
      const straggler = Number(await readFile(pidFile, 'utf8'));
      await vi.waitFor(() => expect(() => process.kill(straggler, 0)).toThrow(), { timeout: 10_000 });
      const missing = await runInGroup('no-such-program-here', [], options);
      expect(missing.spawnError).toMatch(/ENOENT/);
    } finally {
      stop();
    }
  });

  it('ends a detached program whose host died under it, and says its output is lost', async () => {
    const { host, pidFile, stop } = await agentsThroughHost();
    try {
      const hostPid = Number(text((await host.run(sh('echo "$PPID"'))).stdout));
      // Killed once the host has told this process the program's pid (what it ends the group by).
      let told: (pid: number) => void = () => undefined;
      const known = new Promise<number>((resolve) => (told = resolve));
      const running = runInGroup('sh', ['-c', `echo $$ > '${pidFile}'; sleep 30`], {
        cwd: process.cwd(),
        env: { PATH: process.env.PATH ?? '' },
        timeoutMs: 60_000,
        onStart: (pid) => told(pid),
      });
      const agent = await vi.waitFor(async () => Number(await readFile(pidFile, 'utf8')), {
        timeout: 10_000,
      });
      expect(await known).toBe(agent);
      process.kill(hostPid, 'SIGKILL');
      const result = await running;
      expect(result.spawnError).toMatch(/spawn host exited \(SIGKILL\).*its output is lost/);
      // Dead, not only signalled: its parent is gone, so a zombie waits for init to reap it.
      await vi.waitFor(() => expect(isAlive(agent)).toBe(false), { timeout: 10_000 });
    } finally {
      stop();
    }
  });

  it('runs git for a process that uses it, and never holds that process open', async () => {
    const repo = await tempRepo({ 'a.txt': 'a\n' });
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const launch = pathToFileURL(join(import.meta.dirname, '../../src/process/spawn-host-launch.ts')).href;
    const runner = pathToFileURL(join(import.meta.dirname, '../../src/git/runner.ts')).href;
    const script = [
      `const { startSpawnHost } = await import(${JSON.stringify(launch)});`,
      `const { gitLine } = await import(${JSON.stringify(runner)});`,
      'startSpawnHost();',
      `console.log(await gitLine(['rev-parse', 'HEAD'], { cwd: ${JSON.stringify(repo)} }));`,
    ].join('\n');
    // Never stopped: the process still exits once git answered.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', tsx, '--input-type=module', '-e', script],
      {
        timeout: 30_000,
      },
    );
    expect(stdout.trim()).toBe(runGit(repo, ['rev-parse', 'HEAD']));
  });
});
