import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mcpServerName } from './presets.js';

/** Where gemini-cli 0.61 reads system settings when no override is set (Linux; macOS differs). */
function defaultSystemSettings(env: Readonly<Record<string, string>>): string {
  if (env.GEMINI_CLI_SYSTEM_SETTINGS_PATH) return env.GEMINI_CLI_SYSTEM_SETTINGS_PATH;
  if (process.platform === 'darwin') return '/Library/Application Support/GeminiCli/settings.json';
  return '/etc/gemini-cli/settings.json';
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/**
 * Gemini CLI takes MCP servers only from settings files. maestro writes a system-settings file for
 * this one process (`GEMINI_CLI_SYSTEM_SETTINGS_PATH`), starting from the machine's own system
 * settings, so neither ~/.gemini nor the worktree is touched. With `GEMINI_API_KEY` set and no auth
 * type chosen, it selects `gemini-api-key` (without it a base URL gives "Invalid auth method
 * selected"); otherwise the user's own choice (e.g. a Google login) stands.
 * The file must be in a folder no other user can write (gemini-cli skips it otherwise).
 * Settings reference: https://github.com/google-gemini/gemini-cli/blob/main/docs/reference/configuration.md
 */
export async function writeGeminiSettings(
  dir: string,
  env: Readonly<Record<string, string>>,
  mcpUrl: string | null,
): Promise<Record<string, string>> {
  const settings = await readJson(defaultSystemSettings(env));
  const home = env.GEMINI_CLI_HOME || env.HOME || '';
  const user = home === '' ? {} : await readJson(join(home, '.gemini', 'settings.json'));
  const userAuth = record(record(user.security).auth).selectedType;
  if (mcpUrl !== null) {
    settings.mcpServers = {
      ...record(settings.mcpServers),
      [mcpServerName]: { httpUrl: mcpUrl, trust: true },
    };
  }
  const security = record(settings.security);
  const auth = record(security.auth);
  if ((env.GEMINI_API_KEY ?? '') !== '' && auth.selectedType === undefined && userAuth === undefined) {
    settings.security = { ...security, auth: { ...auth, selectedType: 'gemini-api-key' } };
  }
  const path = join(dir, 'gemini-system-settings.json');
  await writeFile(path, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  return { GEMINI_CLI_SYSTEM_SETTINGS_PATH: path };
}
