import { isAbsolute } from 'node:path';
import type { ExternalAgentSetting } from './presets.js';
import { hostOfUrl, parseHostPort, type HostPort } from '../../sandbox/policy.js';

/**
 * What an external agent CLI needs from outside its sandbox, by the role of the variables it reads
 * (the variables themselves are one table, `presetCredentials` in presets.ts): its public API
 * hosts, replaced by a base URL set in one of `baseUrlEnv` or in its own settings file, and the
 * files or folders named by `pathEnv`, which stay readable. A custom command declares nothing:
 * `allowEnv` and `sandboxHosts` say what it gets.
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
    pathEnv: ['CLAUDE_CONFIG_DIR', 'GOOGLE_APPLICATION_CREDENTIALS'],
  },
  codex: { hosts: ['api.openai.com:443'], baseUrlEnv: ['OPENAI_BASE_URL'], pathEnv: ['CODEX_HOME'] },
  gemini: {
    hosts: ['generativelanguage.googleapis.com:443'],
    baseUrlEnv: ['GOOGLE_GEMINI_BASE_URL'],
    pathEnv: ['GEMINI_CLI_HOME', 'GOOGLE_APPLICATION_CREDENTIALS'],
  },
  aider: {
    hosts: ['api.openai.com:443', 'api.anthropic.com:443'],
    baseUrlEnv: ['OPENAI_API_BASE'],
    pathEnv: [],
  },
};

/** Absolute paths named by the CLI's path variables (CODEX_HOME, …) in `env`: readable in its sandbox. */
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
