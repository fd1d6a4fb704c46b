import { isSecretEnv } from '../util/redact.js';

/**
 * The environment of everything an agent runs, by allowlist: the basics programs need, the
 * credential variables the agent's preset declares (an external CLI calls its own model), and
 * the config's `allowEnv` — nothing else. API keys stay in the orchestrator, which makes the
 * built-in agent's LLM calls.
 */
const basics = ['PATH', 'HOME', 'TERM', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL', 'TZ', 'LANG', 'LANGUAGE'];

function isBasic(name: string): boolean {
  return basics.includes(name) || name.startsWith('LC_');
}

/** True when `name` (with `value`) looks like it holds a secret: the rule the redactor uses too. */
export function isSecretEnvName(name: string, value?: string): boolean {
  return isSecretEnv(name, value);
}

export interface ScrubInputs {
  /** Config `allowEnv`: names the user lets through. */
  allowEnv: readonly string[];
  /** Credential variables the agent's preset declares (e.g. ANTHROPIC_API_KEY for claude). */
  declared?: readonly string[];
}

/** A copy of `env` with the basics, the declared and the allowed names only, merged with `extra`. */
export function scrubEnv(
  env: NodeJS.ProcessEnv,
  allow: readonly string[] | ScrubInputs,
  extra: Record<string, string> = {},
): Record<string, string> {
  const inputs = Array.isArray(allow) ? { allowEnv: allow as readonly string[] } : (allow as ScrubInputs);
  const allowed = new Set([...inputs.allowEnv, ...(inputs.declared ?? [])]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (!isBasic(name) && !allowed.has(name)) continue;
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
