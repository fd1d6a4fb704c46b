import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scrubEnv } from '../../src/agent/env.js';
import { ToolHostPool } from '../../src/agent/host/pool.js';
import type { StartHostOptions } from '../../src/agent/host/client.js';
import { realSandbox } from '../helpers/sandbox.js';
import { tempDir } from '../helpers/repo.js';
import { isAlive, processesWith, tempWorktree } from './helpers.js';

const pools: ToolHostPool[] = [];
afterEach(async () => {
  while (pools.length > 0) await pools.pop()?.close();
});

function pool(size: number): ToolHostPool {
  const made = new ToolHostPool(size);
  pools.push(made);
  return made;
}

async function optionsFor(
  worktree: string,
  allowedCommands: string[] = [],
  env = scrubEnv(process.env, []),
): Promise<StartHostOptions> {
  return {
    worktree,
    excludePaths: [],
    allowedCommands,
    commandTimeoutMs: 20_000,
    maxWriteBytes: 1_000_000,
    allowSecretFiles: [],
    env,
    confinement: await (await realSandbox(worktree)).confinement(worktree),
  };
}

describe('ToolHostPool: one tool process from task to task', () => {
  it('serves the next task in its own worktree, with nothing of the last one left', async () => {
    const a = await tempWorktree({ 'a.txt': 'from a\n' });
    const b = await tempWorktree({ 'b.txt': 'from b\n' });
    const hosts = pool(1);
    const first = await hosts.acquire(await optionsFor(a.worktree, ['pwd']));
    await first.call('write_file', { path: 'left.txt', content: 'a was here\n' });
    await first.close();
    const second = await hosts.acquire(await optionsFor(b.worktree, ['ls']));
    // The same process, set up again.
    expect(second.pid).toBe(first.pid);
    expect((await second.call('list_files', {})).output).toBe('b.txt');
    expect((await second.call('read_file', { path: 'left.txt' })).ok).toBe(false);
    expect((await second.call('write_file', { path: 'new.txt', content: 'b\n' })).ok).toBe(true);
    expect(await readFile(join(b.worktree, 'new.txt'), 'utf8')).toBe('b\n');
    // Its commands are this task's: the last task's allowed command is refused, this one's runs here.
    expect((await second.call('run_command', { command: 'pwd' })).ok).toBe(false);
    expect((await second.call('run_command', { command: 'ls' })).output).toContain('new.txt');
    // A late call of the task that gave the host back never reaches it.
    await expect(first.call('read_file', { path: 'b.txt' })).rejects.toThrow(/no longer this task's/);
  });

  it("kills the task's running commands before another task gets the host", async () => {
    const a = await tempWorktree({ 'spin.sh': 'sleep 1000.375 &\necho started > child.txt\nwait\n' });
    const hosts = pool(1);
    const first = await hosts.acquire(await optionsFor(a.worktree, ['sh spin.sh']));
    const pending = first.call('run_command', { command: 'sh spin.sh' });
    await vi.waitFor(() => readFile(join(a.worktree, 'child.txt'), 'utf8'), { timeout: 10_000 });
    expect(processesWith('1000.375')).toHaveLength(1);
    await first.close();
    // Given back once the command's call ended with its process group killed (the kernel reaps it).
    expect((await pending).output).toContain('cancelled (process group killed)');
    await vi.waitFor(() => expect(processesWith('1000.375')).toEqual([]), { timeout: 2_000 });
    // Clean, so it is the one the next task gets.
    const b = await tempWorktree({ 'b.txt': 'b\n' });
    expect((await hosts.acquire(await optionsFor(b.worktree))).pid).toBe(first.pid);
  });

  it('keeps at most its size idle, and ends them at close', async () => {
    const worktrees = await Promise.all([1, 2, 3].map(() => tempWorktree({ 'x.txt': 'x\n' })));
    const hosts = pool(2);
    const lent = await Promise.all(worktrees.map(async (w) => hosts.acquire(await optionsFor(w.worktree))));
    const pids = lent.map((host) => host.pid);
    expect(new Set(pids).size).toBe(3);
    for (const host of lent) await host.close();
    // The third given back found the pool full: ended.
    await vi.waitFor(() => expect(isAlive(pids[2] as number)).toBe(false), { timeout: 10_000 });
    expect(pids.slice(0, 2).map(isAlive)).toEqual([true, true]);
    await hosts.close();
    await vi.waitFor(() => expect(pids.slice(0, 2).map(isAlive)).toEqual([false, false]), {
      timeout: 10_000,
    });
  });

  it('does not reuse a host that died, nor one started with another environment', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => tempWorktree({ 'x.txt': 'x\n' })));
    const hosts = pool(2);
    const first = await hosts.acquire(await optionsFor(a!.worktree));
    await first.close();
    process.kill(first.pid, 'SIGKILL');
    await vi.waitFor(() => expect(isAlive(first.pid)).toBe(false));
    const second = await hosts.acquire(await optionsFor(b!.worktree));
    expect(second.pid).not.toBe(first.pid);
    expect((await second.call('list_files', {})).output).toBe('x.txt');
    await second.close();
    const other = { ...scrubEnv(process.env, []), MAESTRO_TEST_OTHER_ENV: '1' };
    const third = await hosts.acquire(await optionsFor(c!.worktree, [], other));
    expect(third.pid).not.toBe(second.pid);
  });

  it('a task whose host cannot be set up fails alone: it costs at most one idle host', async () => {
    const worktrees = await Promise.all([1, 2, 3].map(() => tempWorktree({ 'x.txt': 'x\n' })));
    const hosts = pool(3);
    const lent = await Promise.all(worktrees.map(async (w) => hosts.acquire(await optionsFor(w.worktree))));
    const pids = new Set(lent.map((host) => host.pid));
    for (const host of lent) await host.close();
    const gone = join(worktrees[0]!.worktree, 'no-such-folder');
    const missing = {
      ...(await optionsFor(worktrees[0]!.worktree)),
      worktree: gone,
      confinement: { kind: 'unconfined' as const },
    };
    await expect(hosts.acquire(missing)).rejects.toThrow(/could not start/);
    const next = await Promise.all(
      worktrees.slice(1).map(async (w) => hosts.acquire(await optionsFor(w.worktree))),
    );
    for (const host of next) expect(pids).toContain(host.pid);
  });

  it('kills a host that does not answer the end of its task (its event loop stuck in a plugin tool)', async () => {
    const { worktree } = await tempWorktree({ 'x.txt': 'x\n' });
    const plugin = join(await tempDir('maestro-plugin-'), 'block.mjs');
    await writeFile(
      plugin,
      'export default { tools: [{ name: "block", handler: () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0) }] };\n',
    );
    const hosts = pool(1);
    const lent = await hosts.acquire({
      ...(await optionsFor(worktree)),
      pluginTools: [{ module: pathToFileURL(plugin).href, name: 'block' }],
    });
    // Blocks the host's event loop for good, without using the CPU.
    void lent.call('block', {}).catch(() => undefined);
    const started = Date.now();
    await lent.close();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(isAlive(lent.pid)).toBe(false);
    // Not given to the next task: that one gets a new host.
    expect((await hosts.acquire(await optionsFor(worktree))).pid).not.toBe(lent.pid);
  }, 30_000);
});
