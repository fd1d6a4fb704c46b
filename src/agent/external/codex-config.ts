import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import type { HomeSpec } from './private-home.js';

/** The user's codex home: `CODEX_HOME`, else `~/.codex`; '' when neither can be known. */
function userCodexHome(env: Readonly<Record<string, string>>): string {
  return env.CODEX_HOME || (env.HOME ? join(env.HOME, '.codex') : '');
}

/** What maestro needs from the user's codex settings. */
export interface CodexSettings {
  /** The model codex will use (`codex exec --json` does not name it in its events); null: codex's own default, which maestro cannot price. */
  model: string | null;
  /** The `base_url` of the chosen `model_provider`: the host the sandbox must let it reach; null: none set there. */
  baseUrl: string | null;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Reads `$CODEX_HOME/config.toml` (default `~/.codex/config.toml`): the top-level `model`, and the
 * `base_url` of the provider `model_provider` names under `[model_providers.<id>]`. A missing or
 * unreadable file gives nulls (codex then says itself what is wrong).
 * Config reference: https://github.com/openai/codex/blob/main/docs/config.md (model, model_provider, model_providers)
 */
export async function readCodexSettings(env: Readonly<Record<string, string>>): Promise<CodexSettings> {
  const none = { model: null, baseUrl: null };
  const home = userCodexHome(env);
  if (home === '') return none;
  let config: Record<string, unknown>;
  try {
    config = parse(await readFile(join(home, 'config.toml'), 'utf8'));
  } catch {
    return none;
  }
  const provider = text(config.model_provider);
  const providers = record(config.model_providers);
  return {
    model: text(config.model),
    baseUrl: provider === null ? null : text(record(providers[provider]).base_url),
  };
}

/** What codex reads from its home to run a task: its settings, the saved login, the user's own instructions. */
const seededFiles = ['config.toml', 'auth.json', 'AGENTS.md'];

/**
 * codex's private home (see private-home.ts): codex writes its state there at start-up and during
 * a task (sessions, logs, state databases, PATH aliases under tmp/) and stops with "Read-only file
 * system" when it cannot. It gets copies of the user's settings, login and instructions, so a
 * confined agent never writes the user's own codex home (a planted `config.toml` would run
 * commands, e.g. `notify` or an MCP server, in the user's next codex session outside any
 * sandbox). A login codex refreshes during the task is refreshed in the copy and dropped with it.
 * CODEX_HOME and its files: https://github.com/openai/codex/blob/main/docs/config.md
 */
export function codexHome(env: Readonly<Record<string, string>>): HomeSpec {
  const source = userCodexHome(env);
  return {
    folder: 'codex-home',
    seeds: source === '' ? [] : seededFiles.map((name) => ({ from: join(source, name), to: name })),
    env: (home) => ({ CODEX_HOME: home }),
  };
}
