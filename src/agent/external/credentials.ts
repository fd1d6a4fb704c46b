import { loginHints, presetCredentials, type ExternalAgentSetting } from './presets.js';

/**
 * When a preset's CLI failed for want of credentials: one sentence naming what is missing and how
 * to pass it. null when the output does not look like a login problem (or for a custom command).
 */
export function missingCredentials(
  setting: ExternalAgentSetting,
  output: string,
  env: Readonly<Record<string, string>>,
): string | null {
  if (typeof setting === 'object') return null;
  const hint = loginHints[setting];
  const said = hint.pattern.exec(output);
  if (said === null) return null;
  const set = hint.keys.filter((name) => (env[name] ?? '') !== '');
  const keys = hint.keys.join(', ');
  const what =
    set.length > 0
      ? `${set.join(' and ')} ${set.length > 1 ? 'were' : 'was'} passed but refused ("${said[0]}")`
      : `no login was found and none of ${keys} is set ("${said[0]}")`;
  return (
    `${setting} has no usable credentials: ${what}. Either set one of ${keys} in maestro's environment ` +
    `(the ${setting} preset passes it, with the other variables it reads: ${presetCredentials[setting].slice(0, 6).join(', ')}, …; ` +
    `anything else goes through the config key "allowEnv"), or ${hint.login}.`
  );
}
