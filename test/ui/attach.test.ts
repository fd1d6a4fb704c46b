import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JournalFollower } from '../../src/ui/attach/journal-follower.js';
import {
  appendCommand,
  fileRunControl,
  followCommands,
  type CommandRecord,
} from '../../src/ui/attach/commands-file.js';
import { findRunDir } from '../../src/ui/attach/run-dir.js';
import type { RunEvent } from '../../src/events.js';
import { tempDir, tempRepo } from '../helpers/repo.js';
import { busyRun } from './fixtures.js';

const closers: (() => void)[] = [];
afterEach(() => {
  while (closers.length > 0) closers.pop()?.();
});

describe('journal follower', () => {
  it('reads the journal, holds back a torn last line and delivers it once complete', async () => {
    const dir = await tempDir();
    const file = join(dir, 'events.jsonl');
    const [first, second, third] = busyRun();
    const line = (event: RunEvent | undefined) => JSON.stringify(event) + '\n';
    const torn = line(third);
    await writeFile(file, line(first) + line(second) + torn.slice(0, 20));
    const follower = new JournalFollower(file, { pollMs: 50 });
    closers.push(() => follower.close());
    await follower.start();
    expect(follower.history().map((event) => event.seq)).toEqual([1, 2]);
    const live: RunEvent[] = [];
    follower.subscribe((event) => live.push(event));
    await appendFile(file, torn.slice(20) + 'not json\n');
    await vi.waitFor(() => expect(live.map((event) => event.seq)).toEqual([3]));
    expect(follower.history()).toHaveLength(3);
    await vi.waitFor(() => expect(follower.skipped).toBe(1));
  });

  it('reads a journal longer than one read, and a character whose bytes arrive in two appends', async () => {
    const dir = await tempDir();
    const file = join(dir, 'events.jsonl');
    const [first] = busyRun();
    const text = (seq: number, message: string) =>
      JSON.stringify({ ...first, seq, type: 'log', level: 'info', message }) + '\n';
    // ~200 KB of history: more than one 64 KB read.
    let history = '';
    for (let seq = 1; seq <= 400; seq += 1) history += text(seq, 'x'.repeat(500));
    await writeFile(file, history);
    const follower = new JournalFollower(file, { pollMs: 50 });
    closers.push(() => follower.close());
    await follower.start();
    expect(follower.history().map((event) => event.seq)).toEqual(
      Array.from({ length: 400 }, (_, i) => i + 1),
    );
    const live: RunEvent[] = [];
    follower.subscribe((event) => live.push(event));
    // "é" is two bytes in UTF-8: the first append ends between them, after a whole line whose
    // arrival shows the follower has read that far.
    const torn = Buffer.from(text(402, 'café au lait'));
    const cut = torn.indexOf(Buffer.from('é')) + 1;
    await appendFile(file, Buffer.concat([Buffer.from(text(401, 'ready')), torn.subarray(0, cut)]));
    await vi.waitFor(() => expect(live.map((event) => event.seq)).toEqual([401]));
    await appendFile(file, torn.subarray(cut));
    await vi.waitFor(() => expect(live.map((event) => event.seq)).toEqual([401, 402]));
    expect(live[1]).toMatchObject({ message: 'café au lait' });
    expect(follower.skipped).toBe(0);
  });
});

describe('commands file', () => {
  it('carries RunControl calls to a follower, each once, and not the ones from before it started', async () => {
    const runDir = await tempDir();
    await appendCommand(runDir, { type: 'stop', taskId: 'old' });
    const received: CommandRecord[] = [];
    const follower = await followCommands(runDir, (record) => received.push(record), { pollMs: 50 });
    closers.push(() => follower.close());
    const control = fileRunControl(runDir);
    await control.pause('api');
    await control.retry('cli');
    await control.detach();
    await control.stopRun();
    await vi.waitFor(() => expect(received).toHaveLength(3));
    expect(received.map((record) => record.command)).toEqual([
      { type: 'pause', taskId: 'api' },
      { type: 'retry', taskId: 'cli' },
      { type: 'stop-run' },
    ]);
    expect(received[0]).toMatchObject({ v: 1, from: { pid: process.pid } });
    const lines = (await readFile(join(runDir, 'commands.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(4);
  });
});

describe('run directory', () => {
  it('finds a run in the git common dir and names a missing one', async () => {
    const repo = await tempRepo();
    await expect(findRunDir(repo, 'missing')).rejects.toThrow('no run missing in this repository');
    const runDir = join(repo, '.git', 'maestro', 'runs', 'r1');
    await import('node:fs/promises').then((fs) => fs.mkdir(runDir, { recursive: true }));
    await writeFile(join(runDir, 'events.jsonl'), '');
    await expect(findRunDir(repo, 'r1')).resolves.toEqual({ runDir, journal: join(runDir, 'events.jsonl') });
    await expect(findRunDir(await tempDir(), 'r1')).rejects.toThrow('not a git repository');
  });
});
