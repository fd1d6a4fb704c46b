import { isAbsolute } from 'node:path';
import type { ExternalAgentSetting } from './presets.js';
import { hostOfUrl, parseHostPort, type HostPort } from '../../sandbox/policy.js';

/**
 * What an external agent CLI needs from outside its sandbox, by the role of the variables it reads
 * (the variables themselves are one table, `presetCredentials` in presets.ts): its public API
 * hosts, replaced by a base URL set in one of `baseUrlEnv` or in its own settings file, and the
 * files or folders named by `pathEnv`, which stay readable. Its home (CLAUDE_CONFIG_DIR,
 * CODEX_HOME, GEMINI_CLI_HOME) is not among them: the CLI runs with a private copy of what it
 * needs from there (homes.ts), and the user's own folder stays hidden. A custom command declares
 * nothing: `allowEnv` and `sandboxHosts` say what it gets.
 */
interface PresetAccess {
  hosts: string[];
  baseUrlEnv: string[];
  pathEnv: string[];
}

const access: Record<Exclude<ExternalAgentSetting, object>, PresetAccess> = {
  claude: {
    hosts: ['api.anthropic.com:443'],
    baseUrlEnv: ['ANTHROPIC_BASE_URL'],
    pathEnv: ['GOOGLE_APPLICATION_CREDENTIALS'],
  },
  codex: { hosts: ['api.openai.com:443'], baseUrlEnv: ['OPENAI_BASE_URL'], pathEnv: [] },
  gemini: {
    // The Gemini API (a key), and for a Google login the token check and renewal (google-auth-library's
    // https://oauth2.googleapis.com/tokeninfo and /token, fixed in its code) and Code Assist
    // (https://cloudcode-pa.googleapis.com, gemini-cli 0.61 packages/core/src/code_assist/server.ts).
    hosts: [
      'generativelanguage.googleapis.com:443',
      'oauth2.googleapis.com:443',
      'cloudcode-pa.googleapis.com:443',
    ],
    baseUrlEnv: ['GOOGLE_GEMINI_BASE_URL'],
    pathEnv: ['GOOGLE_APPLICATION_CREDENTIALS'],
  },
  aider: {
    hosts: ['api.openai.com:443', 'api.anthropic.com:443'],
    baseUrlEnv: ['OPENAI_API_BASE'],
    pathEnv: [],
  },
};

/** Absolute paths named by the CLI's path variables (GOOGLE_APPLICATION_CREDENTIALS) in `env`: readable in its sandbox. */
export function namedPaths(setting: ExternalAgentSetting, env: Readonly<Record<string, string>>): string[] {
  if (typeof setting === 'object') return [];
  return access[setting].pathEnv
    .map((name) => env[name])
    .filter((value): value is string => value !== undefined && isAbsolute(value));
}

/**
 * The hosts the CLI may connect to: its API, or the base URLs in its environment and in its own
 * settings (`configured`, e.g. codex's provider `base_url`), plus `extra`.
 */
export function externalAgentHosts(
  setting: ExternalAgentSetting,
  env: Record<string, string | undefined>,
  configured: readonly string[],
  extra: readonly HostPort[],
): HostPort[] {
  const out: HostPort[] = [...extra];
  if (typeof setting !== 'object') {
    const preset = access[setting];
    const urls = [...preset.baseUrlEnv.map((name) => env[name]), ...configured];
    const set = urls.flatMap((url) => {
      const host = url === undefined ? null : hostOfUrl(url);
      return host === null ? [] : [host];
    });
    const hosts = set.length > 0 ? set : preset.hosts.map((h) => parseHostPort(h)!);
    out.push(...hosts);
  }
  return out;
}
