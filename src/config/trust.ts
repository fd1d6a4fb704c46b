import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { writeFileAtomic } from '../util/atomic-write.js';

/** Answers whether a JS/TS config file may be executed. */
export type TrustDecider = (filepath: string) => Promise<boolean>;

export interface TrustOptions {
  /** `--trust-config` was given. */
  trustFlag: boolean;
  /** File remembering trusted configs by path and content hash (user data dir). */
  storeFile: string;
  /** Ask on the terminal when not yet trusted (only when stdin and stderr are TTYs). */
  interactive: boolean;
}

/**
 * A repository's JS config runs with the user's rights, so it runs only when trusted: by flag, by an
 * earlier "yes" for exactly this content, or by a "yes" now. Changing the file asks again.
 */
export function createTrustDecider(options: TrustOptions): TrustDecider {
  return async (filepath) => {
    const hash = createHash('sha256')
      .update(await readFile(filepath))
      .digest('hex');
    const store = await readStore(options.storeFile);
    if (store[filepath] === hash) return true;
    let trusted = options.trustFlag;
    if (!trusted && options.interactive) trusted = await ask(filepath);
    if (trusted)
      await writeFileAtomic(options.storeFile, JSON.stringify({ ...store, [filepath]: hash }, null, 2));
    return trusted;
  };
}

async function readStore(file: string): Promise<Record<string, string>> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

async function ask(filepath: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `${filepath} runs code from this repository. Trust it and run it? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
