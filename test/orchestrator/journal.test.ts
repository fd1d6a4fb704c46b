import { describe, expect, it, vi } from 'vitest';
import { appendFile, readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Journal, journalPath } from '../../src/orchestrator/journal.js';
import { readJournalFile } from '../../src/orchestrator/journal-file.js';
import { acquireRunLock } from '../../src/orchestrator/run-lock.js';
import { listRuns, readRun } from '../../src/orchestrator/runs.js';
import { gitCommonDir, newRunId, runDir, runIdPattern } from '../../src/orchestrator/run-paths.js';
import type { RunEvent } from '../../src/events.js';
import { writeFileAtomic } from '../../src/util/atomic-write.js';
import { tempDir, tempRepo } from '../helpers/repo.js';

const log = (message: string) => ({ type: 'log' as const, level: 'info' as const, message });

describe('Journal', () => {
  it('appends numbered, timed lines, publishes them in order and reopens where it left off', async () => {
    const dir = await tempDir();
    const journal = await Journal.open(dir, 'run-1');
    const seen: RunEvent[] = [];
    journal.subscribe((event) => seen.push(event));
    const written = await Promise.all([
      journal.append(log('a')),
      journal.append(log('b')),
      journal.append(log('c')),
    ]);
    expect(written.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(seen.map((e) => (e.type === 'log' ? e.message : ''))).toEqual(['a', 'b', 'c']);
    await journal.close();
    const lines = (await readFile(journalPath(dir), 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as RunEvent)).toEqual(written);
    expect(written[0]).toMatchObject({ runId: 'run-1', time: expect.stringMatching(/^\d{4}-/) });

    const again = await Journal.open(dir, 'run-1');
    expect(again.history()).toHaveLength(3);
    expect((await again.append(log('d'))).seq).toBe(4);
    await again.close();
  });

  it('ignores a torn last line on reading and cuts it before the next append', async () => {
    const dir = await tempDir();
    const journal = await Journal.open(dir, 'r');
    await journal.append(log('kept'));
    await journal.close();
    await appendFile(journalPath(dir), '{"type":"log","level":"in');
    const read = await readJournalFile(journalPath(dir));
    expect(read.tornTail).toBe(true);
    expect(read.events).toHaveLength(1);
    const reopened = await Journal.open(dir, 'r');
    await reopened.append(log('next'));
    await reopened.close();
    const after = await readJournalFile(journalPath(dir));
    expect(after.tornTail).toBe(false);
    expect(after.events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('redacts every string before writing and publishing', async () => {
    const dir = await tempDir();
    const journal = await Journal.open(dir, 'r', {
      redact: (text) => text.replaceAll('sk-secret', '[redacted]'),
    });
    const seen: RunEvent[] = [];
    journal.subscribe((e) => seen.push(e));
    await journal.append({ type: 'agent.text', taskId: 't', text: 'key sk-secret here' });
    await journal.close();
    expect(await readFile(journalPath(dir), 'utf8')).not.toContain('sk-secret');
    expect(seen[0]).toMatchObject({ text: 'key [redacted] here' });
  });

  it('without a run redactor still keeps the secret variables of this process out', async () => {
    vi.stubEnv('DEPLOY_TOKEN', 'tok-planted-0123456789');
    try {
      const dir = await tempDir();
      const journal = await Journal.open(dir, 'r');
      await journal.append({
        type: 'log',
        level: 'error',
        message: 'push failed with tok-planted-0123456789',
      });
      await journal.close();
      expect(await readFile(journalPath(dir), 'utf8')).not.toContain('tok-planted-0123456789');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('run lock', () => {
  it('refuses a live holder and takes over a stale one', async () => {
    const dir = await tempDir();
    const lock = await acquireRunLock(dir, 'r');
    await expect(acquireRunLock(dir, 'r')).rejects.toThrow(/already driven by process \d+/);
    await lock.release();
    const again = await acquireRunLock(dir, 'r');
    await again.release();

    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    await writeFile(
      join(dir, 'lock'),
      JSON.stringify({ pid: dead, host: (await import('node:os')).hostname(), startedAt: '' }),
    );
    const taken = await acquireRunLock(dir, 'r');
    expect(JSON.parse(await readFile(taken.file, 'utf8'))).toMatchObject({ pid: process.pid });
    await taken.release();
    await expect(readdir(dir)).resolves.toEqual([]);
  });

  it('treats an unreadable lock (crash while writing it) as stale', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'lock'), '{"pi');
    const lock = await acquireRunLock(dir, 'r');
    await lock.release();
  });
});

describe('state files and runs', () => {
  it('writes state files atomically (no temp file left, content replaced whole)', async () => {
    const dir = await tempDir();
    await writeFileAtomic(join(dir, 'plan.json'), '{"v":1}');
    await writeFileAtomic(join(dir, 'plan.json'), '{"v":2}');
    expect(await readdir(dir)).toEqual(['plan.json']);
    expect(await readFile(join(dir, 'plan.json'), 'utf8')).toBe('{"v":2}');
  });

  it('makes sortable ref-safe run ids', () => {
    const a = newRunId(new Date('2026-11-24T01:30:07Z'));
    expect(a).toMatch(/^20261124-013007-[0-9a-f]{4}$/);
    expect(a).toMatch(runIdPattern);
    expect(newRunId(new Date('2026-11-24T01:29:00Z')) < a).toBe(true);
  });

  it('lists runs newest first and reads one with its folded state', async () => {
    const repo = await tempRepo();
    const common = await gitCommonDir(repo);
    expect(await listRuns(repo)).toEqual([]);
    for (const id of ['20261124-0100-aaaa', '20261124-0200-bbbb']) {
      const journal = await Journal.open(runDir(common, id), id);
      await journal.append(log(id));
      await journal.close();
    }
    await mkdir(join(common, 'maestro', 'runs', 'not-a-run'));
    expect((await listRuns(repo)).map((r) => r.runId)).toEqual(['20261124-0200-bbbb', '20261124-0100-aaaa']);
    expect((await readRun(repo)).runId).toBe('20261124-0200-bbbb');
    expect((await readRun(repo, '20261124-0100-aaaa')).state.lastSeq).toBe(1);
    await expect(readRun(repo, '20261124-0300-cccc')).rejects.toThrow(/No run 20261124-0300-cccc/);
    await expect(readRun(repo, '../x')).rejects.toThrow(/not a run id/);
  });
});
