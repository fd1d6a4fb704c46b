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

/** Where an agent's pushes go instead: a path that cannot be a repository, named so the error explains itself. */
export const refusedPushUrl = '/dev/null/maestro-refuses-pushes-from-agent-worktrees/';

/**
 * `env` plus git configuration (`GIT_CONFIG_COUNT`, read by git ≥ 2.31) that rewrites every push
 * URL to `refusedPushUrl`: the empty `pushInsteadOf` prefix matches all URLs, so `git push` from an
 * agent's worktree fails instead of moving a remote's branches. A remote with an explicit
 * `pushurl` is not rewritten by git; the OS sandbox is what stops a determined program.
 * https://git-scm.com/docs/git-config#Documentation/git-config.txt-urlltbasegtpushInsteadOf
 */
export function withPushesRefused(env: Record<string, string>): Record<string, string> {
  const count = Number.parseInt(env.GIT_CONFIG_COUNT ?? '0', 10) || 0;
  return {
    ...env,
    GIT_CONFIG_COUNT: String(count + 1),
    [`GIT_CONFIG_KEY_${count}`]: `url.${refusedPushUrl}.pushInsteadOf`,
    [`GIT_CONFIG_VALUE_${count}`]: '',
  };
}
