import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { writeFileAtomic } from '../util/atomic-write.js';

/**
 * Answers whether something from the repository may be used: a JS/TS config or plugin file (run as
 * code), or the security-relevant settings of a data config (`subject`).
 */
export type TrustDecider = (filepath: string, subject?: TrustSubject) => Promise<boolean>;

export interface TrustSubject {
  /** What is trusted, for the question: "sets hooks.postCreate, validate". */
  what: string;
  /** The bytes the trust is bound to (default: the whole file). Changing them asks again. */
  content: string;
}

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
  return async (filepath, subject) => {
    const hash = createHash('sha256')
      .update(subject ? subject.content : await readFile(filepath))
      .digest('hex');
    const key = subject ? `${filepath}#settings` : filepath;
    const store = await readStore(options.storeFile);
    if (store[key] === hash) return true;
    let trusted = options.trustFlag;
    if (!trusted && options.interactive) trusted = await ask(filepath, subject);
    if (trusted) await remember(options.storeFile, key, hash);
    return trusted;
  };
}

/** Remember a decision (also used by `maestro init` for the config it wrote for the user). */
export async function rememberTrust(
  storeFile: string,
  filepath: string,
  subject: TrustSubject,
): Promise<void> {
  const hash = createHash('sha256').update(subject.content).digest('hex');
  await remember(storeFile, `${filepath}#settings`, hash);
}

async function remember(storeFile: string, key: string, hash: string): Promise<void> {
  const store = await readStore(storeFile);
  await writeFileAtomic(storeFile, JSON.stringify({ ...store, [key]: hash }, null, 2));
}

async function readStore(file: string): Promise<Record<string, string>> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

async function ask(filepath: string, subject: TrustSubject | undefined): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      subject
        ? `${filepath} ${subject.what}: they run programs or receive your API keys. Trust them? [y/N] `
        : `${filepath} runs code from this repository. Trust it and run it? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
