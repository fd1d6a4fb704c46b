import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { runGit } from '../helpers/repo.js';

/** A file in a fixture commit: text or bytes, optionally with a mode; `null` deletes it. */
export type FixtureFile =
  string | Buffer | { content: string | Buffer; mode: '100644' | '100755' | '120000' } | null;

/**
 * Commit onto a branch without touching the user's working tree or index (a temporary index file),
 * so fixtures can build task branches around a checkout whose state the tests then compare.
 */
export async function commitOnBranch(
  repo: string,
  branch: string,
  from: string,
  files: Record<string, FixtureFile>,
  message = `change ${branch}`,
): Promise<string> {
  const index = join(tmpdir(), `maestro-index-${randomUUID()}`);
  const env = {
    ...process.env,
    GIT_INDEX_FILE: index,
    GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  };
  const run = (args: string[], input?: string | Buffer): string =>
    execFileSync('git', args, { cwd: repo, env, input, encoding: 'utf8' }).replace(/\n$/, '');
  try {
    run(['read-tree', from]);
    for (const [path, file] of Object.entries(files)) {
      if (file === null) {
        run(['update-index', '--force-remove', '--', path]);
        continue;
      }
      const { content, mode } =
        typeof file === 'string' || Buffer.isBuffer(file) ? { content: file, mode: '100644' } : file;
      const oid = run(['hash-object', '-w', '--stdin'], content);
      run(['update-index', '--add', '--cacheinfo', `${mode},${oid},${path}`]);
    }
    const tree = run(['write-tree']);
    const commit = run(['commit-tree', tree, '-p', from, '-m', message]);
    runGit(repo, ['update-ref', `refs/heads/${branch}`, commit]);
    return commit;
  } finally {
    await rm(index, { force: true });
  }
}
