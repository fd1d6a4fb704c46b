import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { whenUsable, type AgentWorkspace } from './workspace.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** A worktree whose cone (`src`) is on disk and whose rest is not yet. */
async function filling() {
  const worktree = await mkdtemp(join(tmpdir(), 'maestro-ws-'));
  await mkdir(join(worktree, 'src'));
  await writeFile(join(worktree, 'src/a.ts'), 'a\n');
  const ready = deferred();
  const cone = deferred();
  const workspace: AgentWorkspace = {
    ready: ready.promise,
    early: { cone: { folders: ['src'] }, checkedOut: cone.promise },
  };
  return { worktree, workspace, ready, cone };
}

/** 'waiting' when `call` has not settled once everything already queued has run. */
async function state(call: Promise<void>): Promise<'settled' | 'waiting'> {
  const marker = new Promise<'waiting'>((resolve) => setImmediate(() => resolve('waiting')));
  const settled = () => 'settled' as const;
  return Promise.race([call.then(settled, settled), marker]);
}

describe('whenUsable', () => {
  it('lets a read of a cone file go ahead once the cone is out; everything else waits for ready', async () => {
    const { worktree, workspace, ready, cone } = await filling();
    const read = whenUsable(workspace, worktree, 'read_file', { path: 'src/a.ts' });
    const readOutside = whenUsable(workspace, worktree, 'read_file', { path: 'lib/b.ts' });
    const write = whenUsable(workspace, worktree, 'write_file', { path: 'src/a.ts', content: '' });
    const command = whenUsable(workspace, worktree, 'run_command', { command: 'npm test' });
    expect(await state(read)).toBe('waiting');
    cone.resolve();
    await read;
    expect(await state(readOutside)).toBe('waiting');
    expect(await state(write)).toBe('waiting');
    expect(await state(command)).toBe('waiting');
    ready.resolve();
    await Promise.all([readOutside, write, command]);
  });

  it('holds a read of a cone path not on disk yet (an ignored file copied later) until ready', async () => {
    const { worktree, workspace, ready, cone } = await filling();
    cone.resolve();
    const read = whenUsable(workspace, worktree, 'read_file', { path: 'src/.env' });
    expect(await state(read)).toBe('waiting');
    ready.resolve();
    await read;
  });

  it('fails every waiting call when the worktree could not be prepared', async () => {
    const { worktree, workspace, ready, cone } = await filling();
    const read = whenUsable(workspace, worktree, 'read_file', { path: 'src/a.ts' });
    const write = whenUsable(workspace, worktree, 'write_file', { path: 'x', content: '' });
    cone.reject(new Error('checkout failed'));
    ready.reject(new Error('checkout failed'));
    await expect(read).rejects.toThrow('checkout failed');
    await expect(write).rejects.toThrow('checkout failed');
  });
});
