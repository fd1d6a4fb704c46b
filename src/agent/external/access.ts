import type { ExternalAgentSetting } from './presets.js';
import { hostOfUrl, parseHostPort, type HostPort } from '../../sandbox/policy.js';

/**
 * What an external agent CLI needs from outside its sandbox: the credential and endpoint
 * variables it reads (it calls its own model), and the API hosts it may reach. A base URL set in
 * one of its variables replaces the public host. A custom command declares nothing: `allowEnv`
 * and `sandboxHosts` say what it gets.
 */
interface PresetAccess {
  env: string[];
  hosts: string[];
  baseUrlEnv: string[];
}

const access: Record<Exclude<ExternalAgentSetting, object>, PresetAccess> = {
  claude: {
    env: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL'],
    hosts: ['api.anthropic.com:443'],
    baseUrlEnv: ['ANTHROPIC_BASE_URL'],
  },
  codex: {
    env: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'CODEX_HOME'],
    hosts: ['api.openai.com:443'],
    baseUrlEnv: ['OPENAI_BASE_URL'],
  },
  gemini: {
    env: ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GEMINI_BASE_URL'],
    hosts: ['generativelanguage.googleapis.com:443'],
    baseUrlEnv: ['GOOGLE_GEMINI_BASE_URL'],
  },
  aider: {
    env: ['OPENAI_API_KEY', 'OPENAI_API_BASE', 'ANTHROPIC_API_KEY'],
    hosts: ['api.openai.com:443', 'api.anthropic.com:443'],
    baseUrlEnv: ['OPENAI_API_BASE'],
  },
};

/** Credential variables the preset declares: they pass the environment scrub. */
export function declaredEnv(setting: ExternalAgentSetting): string[] {
  return typeof setting === 'object' ? [] : access[setting].env;
}

/** The hosts the CLI may connect to: its API (or the base URL in its environment), plus `extra`. */
export function externalAgentHosts(
  setting: ExternalAgentSetting,
  env: Record<string, string | undefined>,
  extra: readonly HostPort[],
): HostPort[] {
  const out: HostPort[] = [...extra];
  if (typeof setting !== 'object') {
    const preset = access[setting];
    const fromEnv = preset.baseUrlEnv.flatMap((name) => {
      const url = env[name];
      const host = url === undefined ? null : hostOfUrl(url);
      return host === null ? [] : [host];
    });
    const hosts = fromEnv.length > 0 ? fromEnv : preset.hosts.map((h) => parseHostPort(h)!);
    out.push(...hosts);
  }
  return out;
}
