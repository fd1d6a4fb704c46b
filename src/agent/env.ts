/**
 * The environment an agent child process gets: the orchestrator's own, minus every credential.
 * API keys stay in the orchestrator (it makes the LLM calls); a config `allowEnv` entry lets one through.
 */
const secretName = /(^|_)(KEY|KEYS|TOKEN|TOKENS|SECRET|SECRETS|PASSWORD|PASSWD|CREDENTIALS?)$/i;
const providerPrefix = /^(OPENAI|ANTHROPIC|AZURE_OPENAI|GEMINI|GOOGLE_GENAI)_/i;
const alwaysDropped = new Set(['NPM_CONFIG__AUTH', 'NODE_AUTH_TOKEN', 'GH_TOKEN', 'GITHUB_TOKEN']);

export function isSecretEnvName(name: string): boolean {
  return secretName.test(name) || providerPrefix.test(name) || alwaysDropped.has(name.toUpperCase());
}

/** A copy of `env` without secrets, except names listed in `allowEnv`, merged with `extra`. */
export function scrubEnv(
  env: NodeJS.ProcessEnv,
  allowEnv: readonly string[],
  extra: Record<string, string> = {},
): Record<string, string> {
  const allowed = new Set(allowEnv);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (isSecretEnvName(name) && !allowed.has(name)) continue;
    out[name] = value;
  }
  return { ...out, ...extra };
}
