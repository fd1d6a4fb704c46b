/**
 * The settings of a data config (JSON/YAML) that run programs, hand secrets to agents or send the
 * API key somewhere. Anyone who can commit to the repository (a model's result branch, once checked
 * out, included) can write them, so from a file in the repository they need trust, like code.
 */
export function securitySettings(raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(raw)) return out;
  const keep = (key: string, value: unknown): void => {
    if (present(value)) out[key] = value;
  };
  for (const key of [
    'hooks',
    'setup',
    'validate',
    'allowCommands',
    'allowEnv',
    'allowSecretFiles',
    'plugins',
    'worktreeInclude',
    'sandbox',
    'sandboxHosts',
  ]) {
    keep(key, raw[key]);
  }
  // true runs the project's own git hooks on maestro's commits.
  if (raw.commitHooks === true) out.commitHooks = true;
  if (isRecord(raw.agent)) keep('agent.command', raw.agent.command);
  if (isRecord(raw.providers)) {
    for (const [name, settings] of Object.entries(raw.providers)) {
      if (!isRecord(settings)) continue;
      keep(`providers.${name}.baseURL`, settings.baseURL);
      keep(`providers.${name}.apiKeyEnv`, settings.apiKeyEnv);
    }
  }
  if (isRecord(raw.templates)) {
    for (const [name, template] of Object.entries(raw.templates))
      if (isRecord(template)) keep(`templates.${name}.validate`, template.validate);
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Empty lists, empty objects, null and false ask for nothing. */
function present(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.values(value).some(present);
  return true;
}
