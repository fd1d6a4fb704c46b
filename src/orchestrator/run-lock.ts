import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { MaestroError } from '../errors.js';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

export interface RunLock {
  readonly file: string;
  release(): Promise<void>;
}

/** One orchestrator per run: an exclusive lock file with our pid; a lock whose pid is dead is stale. */
export async function acquireRunLock(dir: string, runId: string): Promise<RunLock> {
  const file = join(dir, 'lock');
  await mkdir(dir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await open(file, 'wx', 0o600);
      const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
      await handle.writeFile(JSON.stringify(info));
      await handle.sync();
      await handle.close();
      return { file, release: () => releaseLock(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLock(file);
    if (holder && lockIsLive(holder)) {
      throw new MaestroError(
        `Run ${runId} is already driven by process ${holder.pid}; stop it first (or wait for it to finish).`,
      );
    }
    // Stale (dead pid) or unreadable (crash while writing it): take it over.
    await unlink(file).catch(() => undefined);
  }
  throw new MaestroError(
    `Could not take the lock of run ${runId}; another maestro keeps taking it. Try again.`,
  );
}

export async function readLock(file: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(file, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Live when the pid exists on this host (EPERM means it exists but belongs to someone else). */
export function lockIsLive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function releaseLock(file: string): Promise<void> {
  const info = await readLock(file);
  if (info?.pid === process.pid) await unlink(file).catch(() => undefined);
}
