import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { jsonObject } from './private-home.js';

/**
 * gemini-cli 0.61 keeps secrets in the system keychain, or, where there is none (no Secret
 * Service, as on a server; always inside maestro's sandbox, where D-Bus is hidden), in
 * `~/.gemini/gemini-credentials.json`: one JSON object `{ service: { account: secret } }`,
 * AES-256-GCM encrypted with a key derived from the host and user names, written as
 * `iv:tag:ciphertext` in hex (packages/core/src/services/fileKeychain.ts, `FileKeychain`).
 * An API key entered in gemini's own dialog is service `gemini-cli-api-key`, account
 * `default-api-key` (core/apiKeyCredentialStorage.ts); the Google login, when kept there, is
 * service `gemini-cli-oauth`, account `main-account` (code_assist/oauth-credential-storage.ts).
 * Other entries (e.g. MCP servers' tokens) are not the CLI's login and stay out of the copy.
 */
const loginEntries: Readonly<Record<string, readonly string[]>> = {
  'gemini-cli-api-key': ['default-api-key'],
  'gemini-cli-oauth': ['main-account'],
};

function fileKey(): Buffer {
  return scryptSync('gemini-cli-oauth', `${hostname()}-${userInfo().username}-gemini-cli`, 32);
}

function decrypt(text: string, key: Buffer): string | null {
  const [iv, tag, data] = text.trim().split(':');
  if (iv === undefined || tag === undefined || data === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'hex'), { authTagLength: 16 });
    decipher.setAuthTag(Buffer.from(tag, 'hex'));
    return decipher.update(data, 'hex', 'utf8') + decipher.final('utf8');
  } catch {
    return null;
  }
}

function encrypt(text: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  const data = cipher.update(text, 'utf8', 'hex') + cipher.final('hex');
  return `${iv.toString('hex')}:${cipher.getAuthTag().toString('hex')}:${data}`;
}

/** The file with only gemini's API key and Google login in it; null when it holds neither or cannot be read here. */
export function geminiLoginEntries(text: string): string | null {
  const key = fileKey();
  const plain = decrypt(text, key);
  const data = plain === null ? null : jsonObject(plain);
  if (data === null) return null;
  const kept: Record<string, Record<string, unknown>> = {};
  for (const [service, accounts] of Object.entries(loginEntries)) {
    const entries: unknown = data[service];
    if (typeof entries !== 'object' || entries === null) continue;
    for (const account of accounts) {
      if (account in entries) {
        kept[service] = { ...kept[service], [account]: (entries as Record<string, unknown>)[account] };
      }
    }
  }
  return Object.keys(kept).length === 0 ? null : encrypt(JSON.stringify(kept, null, 2), key);
}
