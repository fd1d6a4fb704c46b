import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { codexHome } from './codex-config.js';
import { geminiLoginEntries } from './gemini-keychain.js';
import type { StreamFormat } from './presets.js';
import { jsonObject, type HomeSpec } from './private-home.js';

type Env = Readonly<Record<string, string>>;

/**
 * Claude Code 2.1.197 (its bundled cli, read from the installed binary): the config dir is
 * `CLAUDE_CONFIG_DIR`, else `~/.claude`; in it `.credentials.json` holds the claude.ai login on
 * Linux (`claudeAiOauth`), `settings.json` the user's settings (apiKeyHelper, env, model) and
 * `CLAUDE.md` the user's instructions. The global config is `<config dir>/.config.json` when that
 * (legacy) file exists, else `.claude.json` in `CLAUDE_CONFIG_DIR`, else in the home folder; it
 * holds an API key saved by /login (`primaryApiKey`, "/login managed key") and the account.
 * Settings files: https://docs.claude.com/en/docs/claude-code/settings
 */
function claudeHome(env: Env): HomeSpec {
  const configDir = env.CLAUDE_CONFIG_DIR || (env.HOME ? join(env.HOME, '.claude') : '');
  const legacy = configDir === '' ? '' : join(configDir, '.config.json');
  const globalBase = env.CLAUDE_CONFIG_DIR || env.HOME || '';
  const global =
    legacy !== '' && existsSync(legacy) ? legacy : globalBase === '' ? '' : join(globalBase, '.claude.json');
  return {
    folder: 'claude-home',
    seeds: [
      ...(configDir === ''
        ? []
        : [
            {
              from: join(configDir, '.credentials.json'),
              to: '.credentials.json',
              keep: withoutRefreshToken,
            },
            { from: join(configDir, 'settings.json'), to: 'settings.json' },
            { from: join(configDir, 'CLAUDE.md'), to: 'CLAUDE.md' },
          ]),
      ...(global === '' ? [] : [{ from: global, to: '.claude.json', keep: loginKeysOnly }]),
    ],
    // With CLAUDE_CONFIG_DIR set, claude reads and writes both its config dir and `.claude.json` there.
    env: (home) => ({ CLAUDE_CONFIG_DIR: home }),
  };
}

/**
 * The copy cannot renew the login: a refresh token used in there would be rotated, and the
 * user's own saved one would stop working. Claude Code copies its login the same way for a
 * session it resumes in a temporary config dir (it deletes `claudeAiOauth.refreshToken`). An
 * expired login then fails with claude's "/login" message; running claude once renews it.
 */
function withoutRefreshToken(text: string): string {
  const creds = jsonObject(text);
  const oauth = creds?.claudeAiOauth;
  if (creds === null || typeof oauth !== 'object' || oauth === null || !('refreshToken' in oauth))
    return text;
  const kept = Object.fromEntries(Object.entries(oauth).filter(([name]) => name !== 'refreshToken'));
  return `${JSON.stringify({ ...creds, claudeAiOauth: kept })}\n`;
}

/** What of `.claude.json` logs claude in; the rest (projects, history, user MCP servers and their tokens) stays out of the sandbox. */
const claudeLoginKeys = ['primaryApiKey', 'customApiKeyResponses', 'oauthAccount', 'hasCompletedOnboarding'];

function loginKeysOnly(text: string): string {
  const config = jsonObject(text);
  if (config === null) return '{}\n';
  return `${JSON.stringify(Object.fromEntries(claudeLoginKeys.filter((k) => k in config).map((k) => [k, config[k]])))}\n`;
}

/**
 * gemini-cli 0.61 (packages/core/src/utils/paths.ts `homedir()`): its home is `GEMINI_CLI_HOME`,
 * else the user's home, with everything in `.gemini/` below it: `settings.json` (the chosen auth
 * type, `security.auth.selectedType`), `oauth_creds.json` (the Google login,
 * packages/core/src/config/storage.ts `getOAuthCredsPath`, read by code_assist/oauth2.ts
 * `fetchCachedCredentialsList`), `google_accounts.json` (the signed-in account, so it is not
 * fetched again) and `GEMINI.md` (the user's instructions).
 * https://github.com/google-gemini/gemini-cli/blob/main/docs/reference/configuration.md (GEMINI_CLI_HOME)
 */
function geminiHome(env: Env): HomeSpec {
  const base = env.GEMINI_CLI_HOME || env.HOME || '';
  const names = ['settings.json', 'oauth_creds.json', 'google_accounts.json', 'GEMINI.md'];
  const dir = join(base, '.gemini');
  return {
    folder: 'gemini-home',
    seeds:
      base === ''
        ? []
        : [
            ...names.map((name) => ({ from: join(dir, name), to: join('.gemini', name) })),
            // An API key saved by gemini's own dialog, where the machine has no keychain (gemini-keychain.ts).
            {
              from: join(dir, 'gemini-credentials.json'),
              to: join('.gemini', 'gemini-credentials.json'),
              keep: geminiLoginEntries,
            },
          ],
    env: (home) => ({ GEMINI_CLI_HOME: home }),
  };
}

/** The private home a preset's CLI runs with; null for a custom command (it gets the hidden home as it is). */
export function homeSpec(format: StreamFormat, env: Env): HomeSpec | null {
  switch (format) {
    case 'claude':
      return claudeHome(env);
    case 'codex':
      return codexHome(env);
    case 'gemini':
      return geminiHome(env);
    case 'lines':
      return null;
  }
}
