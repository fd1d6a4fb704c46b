import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The model codex will use, from the top level of `$CODEX_HOME/config.toml` (default
 * `~/.codex/config.toml`): `codex exec --json` does not name it in its events. null when unset
 * (codex then picks its own default, which maestro cannot price).
 * Config reference: https://github.com/openai/codex/blob/main/docs/config.md#model
 */
export async function codexConfiguredModel(env: Readonly<Record<string, string>>): Promise<string | null> {
  const home = env.CODEX_HOME || (env.HOME ? join(env.HOME, '.codex') : '');
  if (home === '') return null;
  let text: string;
  try {
    text = await readFile(join(home, 'config.toml'), 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    // Keys after the first [table] belong to that table, not to the top level.
    if (/^\s*\[/.test(line)) break;
    const match = /^\s*model\s*=\s*"([^"]+)"/.exec(line) ?? /^\s*model\s*=\s*'([^']+)'/.exec(line);
    if (match) return match[1] ?? null;
  }
  return null;
}
