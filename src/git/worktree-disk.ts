import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiskUsage {
  /** Bytes allocated on disk (st_blocks), symlinks not followed: a linked node_modules costs nothing. */
  bytes: number;
  /** Worktree folders directly under the folder measured. */
  worktrees: number;
}

/** The disk a run's worktrees use: everything under `<worktree root>/<runId>`, 0 when it is gone. */
export async function worktreeDisk(runFolder: string): Promise<DiskUsage> {
  const top = await readdir(runFolder, { withFileTypes: true }).catch(() => []);
  let bytes = 0;
  const stack = top.map((entry) => join(runFolder, entry.name));
  while (stack.length > 0) {
    const batch = stack.splice(0, 64);
    const stats = await Promise.all(batch.map((path) => lstat(path).catch(() => null)));
    for (const [i, stat] of stats.entries()) {
      if (!stat) continue;
      bytes += stat.blocks * 512;
      if (!stat.isDirectory()) continue;
      const dir = batch[i] as string;
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names) stack.push(join(dir, name));
    }
  }
  return { bytes, worktrees: top.filter((entry) => entry.isDirectory()).length };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
