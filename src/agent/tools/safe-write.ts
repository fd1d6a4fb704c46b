import { constants, existsSync } from 'node:fs';
import { lstat, mkdir, open, realpath, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { PathRefused } from '../path-guard.js';

const dirFlags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const fileFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW;

/**
 * Writes `content` to `abs` (a guard-resolved path inside `root`) so that no symlink can redirect
 * it, even one swapped in while the write runs. On Linux every folder is opened one component at a
 * time with O_NOFOLLOW through `/proc/self/fd` (openat in effect): a folder replaced by a link is
 * refused (ELOOP), and once a folder is open, renames elsewhere cannot move the write. Elsewhere the
 * opened file's identity and real folder are checked before a byte is written.
 * A hard-linked file is replaced, not written through, so the other link never changes.
 */
export async function writeInside(root: string, abs: string, content: string): Promise<void> {
  const rel = relative(root, abs);
  const parts = rel.split(sep).filter((part) => part !== '');
  const name = parts.pop();
  if (name === undefined || rel.startsWith('..'))
    throw new PathRefused(rel, 'it is not a file inside the worktree');
  if (existsSync('/proc/self/fd')) await writeByDescriptors(root, parts, name, content);
  else await writeVerified(root, abs, content);
}

async function writeByDescriptors(
  root: string,
  folders: string[],
  name: string,
  content: string,
): Promise<void> {
  let dir = await open(root, dirFlags);
  try {
    for (const part of folders) {
      const path = `/proc/self/fd/${dir.fd}/${part}`;
      await mkdir(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      const next = await open(path, dirFlags);
      await dir.close();
      dir = next;
    }
    const target = `/proc/self/fd/${dir.fd}/${name}`;
    const existing = await lstat(target).catch(() => null);
    if (existing !== null && existing.isFile() && existing.nlink > 1) await unlink(target);
    await writeHandle(await open(target, fileFlags, modeOf(existing)), content);
  } finally {
    await dir.close();
  }
}

async function writeVerified(root: string, abs: string, content: string): Promise<void> {
  await mkdir(dirname(abs), { recursive: true });
  const existing = await lstat(abs).catch(() => null);
  if (existing !== null && existing.isFile() && existing.nlink > 1) await unlink(abs);
  const handle = await open(abs, fileFlags, modeOf(existing));
  try {
    const [opened, now, folder] = await Promise.all([handle.stat(), lstat(abs), realpath(dirname(abs))]);
    const inside = folder === root || folder.startsWith(`${root}${sep}`);
    if (!inside || opened.ino !== now.ino || opened.dev !== now.dev) {
      throw new PathRefused(relative(root, abs), 'a folder on its way changed into a link while writing');
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  await writeHandle(handle, content);
}

async function writeHandle(handle: FileHandle, content: string): Promise<void> {
  try {
    await handle.truncate(0);
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

function modeOf(existing: { mode: number } | null): number {
  return existing === null ? 0o644 : existing.mode & 0o777;
}
