import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * One file of the user's CLI settings or login, copied into the private home: `from` is an
 * absolute path in the user's own home (read only), `to` a path relative to the private home.
 * `keep` may reduce the copy to what the CLI needs (e.g. drop a refresh token); it gets the
 * file's text and returns the text to write, or null when nothing in it is needed.
 */
export interface SeedFile {
  from: string;
  to: string;
  keep?: (text: string) => string | null;
}

/** How one CLI gets its private home: the folder's name, what is copied in, and the variable that points the CLI at it. */
export interface HomeSpec {
  /** Folder name inside maestro's per-agent folder. */
  folder: string;
  seeds: readonly SeedFile[];
  /** The variables that make the CLI use `home` instead of the user's own. */
  env: (home: string) => Record<string, string>;
}

/**
 * A writable home for one CLI process, inside maestro's per-agent folder `dir` (outside the
 * worktree, only this user can read it): the CLIs write their state there at start-up and during
 * a task, and the sandbox hides the user's real home. It is seeded with copies of only what the
 * CLI needs to be logged in and configured; the user's files are only read, never written from
 * the sandbox, and nothing is copied back (the folder goes when the agent ends). A missing file
 * is skipped; any other read error stops the agent (a half-seeded home would fail obscurely).
 */
export async function privateHome(
  dir: string,
  spec: HomeSpec,
): Promise<{ env: Record<string, string>; writable: string[] }> {
  const home = join(dir, spec.folder);
  await mkdir(home, { mode: 0o700 });
  for (const seed of spec.seeds) {
    const text = await readFile(seed.from, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw error;
    });
    const kept = text === null || seed.keep === undefined ? text : seed.keep(text);
    if (kept === null) continue;
    const to = join(home, seed.to);
    await mkdir(dirname(to), { recursive: true, mode: 0o700 });
    await writeFile(to, kept, { mode: 0o600 });
  }
  return { env: spec.env(home), writable: [home] };
}

/** `text` as a JSON object, or null when it is not one (a broken file is then copied as it is). */
export function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
