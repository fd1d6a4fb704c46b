import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { editorRun, runSuspended, type SuspendTerminal } from '../suspend.js';

/**
 * Hand `text` to `$VISUAL`/`$EDITOR` in a temp file named like the conflicted file (so the editor
 * picks its syntax), with Ink suspended; the edited text, or null when the editor failed.
 */
export async function editInEditor(
  suspend: SuspendTerminal,
  env: NodeJS.ProcessEnv,
  text: string,
  path: string,
): Promise<string | null> {
  const dir = await mkdtemp(join(tmpdir(), 'maestro-edit-'));
  const file = join(dir, basename(path) || 'conflict.txt');
  try {
    await writeFile(file, text);
    const code = await runSuspended(suspend, editorRun(env, file, dir));
    return code === 0 ? await readFile(file, 'utf8') : null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
