import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { hostname, userInfo } from 'node:os';

/**
 * gemini-cli 0.61's encrypted credentials file (`~/.gemini/gemini-credentials.json`, used where
 * the machine has no keychain), written and read here as gemini does it
 * (packages/core/src/services/fileKeychain.ts): JSON `{ service: { account: secret } }`,
 * AES-256-GCM with a scrypt key from the host and user names, `iv:tag:ciphertext` in hex.
 */
const key = (): Buffer =>
  scryptSync('gemini-cli-oauth', `${hostname()}-${userInfo().username}-gemini-cli`, 32);

export function geminiKeychainFile(data: Record<string, Record<string, string>>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv, { authTagLength: 16 });
  const text = cipher.update(JSON.stringify(data, null, 2), 'utf8', 'hex') + cipher.final('hex');
  return `${iv.toString('hex')}:${cipher.getAuthTag().toString('hex')}:${text}`;
}

export function readGeminiKeychainFile(file: string): unknown {
  const [iv = '', tag = '', text = ''] = file.split(':');
  const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'hex'), { authTagLength: 16 });
  decipher.setAuthTag(Buffer.from(tag, 'hex'));
  return JSON.parse(decipher.update(text, 'hex', 'utf8') + decipher.final('utf8'));
}

/** The entry gemini's API key dialog saves (core/apiKeyCredentialStorage.ts `saveApiKey`). */
export function savedGeminiApiKey(apiKey: string): Record<string, Record<string, string>> {
  const token = {
    serverName: 'default-api-key',
    token: { accessToken: apiKey, tokenType: 'ApiKey' },
    updatedAt: 1,
  };
  return { 'gemini-cli-api-key': { 'default-api-key': JSON.stringify(token) } };
}
