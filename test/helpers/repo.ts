import { mkdtemp, mkdir, writeFile, rm, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach } from 'vitest';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A temp folder removed after the current test. */
export async function tempDir(prefix = 'maestro-test-'): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function runGit(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, {
    cwd,
    input,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
      GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
    },
  }).replace(/\n$/, '');
}

/** A real throwaway repository with one commit holding `files`, on branch `main`. */
export async function tempRepo(
  files: Record<string, string> = { 'README.md': '# fixture\n' },
): Promise<string> {
  const dir = await tempDir('maestro-repo-');
  runGit(dir, ['init', '-q', '-b', 'main']);
  runGit(dir, ['config', 'user.name', 'Test User']);
  runGit(dir, ['config', 'user.email', 'test@example.com']);
  runGit(dir, ['config', 'commit.gpgsign', 'false']);
  await writeFiles(dir, files);
  runGit(dir, ['add', '-A']);
  runGit(dir, ['commit', '-q', '-m', 'initial']);
  return dir;
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

export function commitAll(dir: string, message: string): string {
  runGit(dir, ['add', '-A']);
  runGit(dir, ['commit', '-q', '-m', message]);
  return runGit(dir, ['rev-parse', 'HEAD']);
}
