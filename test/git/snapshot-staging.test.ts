import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGit, tempDir, tempRepo, writeFiles } from '../helpers/repo.js';
import { pathsToStage, snapshotWorktree, stageListed } from '../../src/git/snapshot.js';
import {
  leftOutOf,
  listChanges,
  recordIncludedFiles,
  type LeaveOutRules,
} from '../../src/git/snapshot-exclude.js';
import { inlineNestedRepos, stagedChanges } from '../../src/git/nested-repos.js';

const ids = { runId: 'r1', taskId: 't1', agentId: 'agent-1', message: 'work' };

/** Names git would read as pathspec magic or globs, were they not taken literally. */
const magicNames = ['*', '?', '[ab]', ':colon', ':(exclude)a.txt', 'id_*', 'id_rs?', '[i]d_rsa', 'new\nline'];

const start: Record<string, string> = {
  '.gitignore': 'build/\n',
  'a.txt': 'a\n',
  'b.txt': 'b\n',
  'del.txt': 'gone\n',
  'run.sh': 'echo\n',
  'became-dir': 'file\n',
  'became-file/x.txt': 'x\n',
  link: 'target is a.txt later\n',
  'tracked[1].txt': 'one\n',
  'build/keep.txt': 'tracked in an ignored folder\n',
  'build/gone.txt': 'tracked in an ignored folder\n',
};

afterEach(() => vi.unstubAllEnvs());

/** Two worktrees of one repository, so one can be snapshot and the other staged the old way. */
async function twins() {
  const repo = await tempRepo({ 'README.md': '# r\n' });
  await writeFiles(repo, start);
  // `build/` is ignored: its files are tracked only because they are added by force.
  runGit(repo, ['add', '--force', '--all']);
  runGit(repo, ['commit', '-q', '-m', 'start']);
  const deps = await tempDir('maestro-deps-');
  await writeFiles(deps, { 'x/index.js': 'x\n' });
  const base = await tempDir('maestro-wt-');
  const paths: string[] = [];
  for (const name of ['new', 'old']) {
    const path = join(base, name);
    runGit(repo, ['worktree', 'add', '-q', '-b', `maestro/r1/tasks/${name}`, path, 'HEAD']);
    await writeFile(join(path, '.env'), 'OPENAI_API_KEY=sk-copied-in-0123456789\n');
    await recordIncludedFiles(path, ['.env']);
    await symlink(deps, join(path, 'node_modules'), 'dir');
    paths.push(path);
  }
  return { repo, paths: paths as [string, string] };
}

/** Every kind of change an agent makes, the same in any worktree. */
async function change(path: string): Promise<void> {
  await writeFiles(path, {
    'a.txt': 'a\nmore\n',
    'dir/deep/er/new.txt': 'new\n',
    'build/keep.txt': 'edited\n',
  });
  await rm(join(path, 'del.txt'));
  await rm(join(path, 'build', 'gone.txt'));
  await writeFile(join(path, 'blob.bin'), Buffer.from([0, 1, 2, 255, 0]));
  await chmod(join(path, 'run.sh'), 0o755);
  await rm(join(path, 'link'));
  await symlink('a.txt', join(path, 'link'));
  await symlink('dir/deep', join(path, 'new-link'));
  await rm(join(path, 'became-dir'));
  await writeFiles(path, { 'became-dir/inside.txt': 'in\n' });
  await rm(join(path, 'became-file'), { recursive: true });
  await writeFile(join(path, 'became-file'), 'now a file\n');
  await writeFiles(path, { 'build/junk.o': 'ignored\n', 'tracked[1].txt': 'two\n', id_rsa: 'secret\n' });
  for (const name of magicNames) await writeFile(join(path, name), `${name}\n`);
  await writeFile(join(path, 'big.bin'), Buffer.alloc(2048));
  const nested = join(path, 'vendor', 'x');
  await mkdir(nested, { recursive: true });
  runGit(nested, ['init', '-q']);
  await writeFiles(nested, { 'lib.js': 'x\n', 'loose.txt': 'untracked in nested\n' });
  runGit(nested, ['add', 'lib.js']);
  runGit(nested, ['-c', 'user.name=a', '-c', 'user.email=a@b', 'commit', '-qm', 'nested']);
}

const rules: LeaveOutRules = { maxFileBytes: 1024, isSecretFile: (path) => path === 'id_rsa' };
const exclude = ['node_modules'];

/** What snapshotWorktree staged before it staged only the listed paths: one full `add --all`. */
async function stageTheOldWay(path: string): Promise<string> {
  const leftOut = await leftOutOf(path, await listChanges(path), rules);
  const specs = [...exclude, ...leftOut.map((entry) => entry.path)].map((p) => `:(exclude,literal)${p}`);
  runGit(path, ['-c', 'advice.addEmbeddedRepo=false', 'add', '--all', '--', '.', ...specs]);
  await inlineNestedRepos(path, await stagedChanges(path));
  return runGit(path, ['write-tree']);
}

/** The `git add` commands run by `fn` (their arguments after `add`, as GIT_TRACE quotes them). */
async function gitAdds<T>(fn: () => Promise<T>): Promise<{ result: T; adds: string[] }> {
  const file = join(await tempDir('maestro-trace-'), 'trace');
  vi.stubEnv('GIT_TRACE', file);
  const result = await fn();
  vi.unstubAllEnvs();
  const trace = await readFile(file, 'utf8').catch(() => '');
  const adds = [...trace.matchAll(/trace: built-in: git add (.*)/g)].map((m) => m[1] ?? '');
  return { result, adds };
}

const restricted = (adds: string[]) => adds.every((args) => args.includes('--pathspec-from-file=-'));

describe('a snapshot stages the paths its one listing found', () => {
  it('commits the tree the full add committed, without walking the worktree again', async () => {
    const { paths } = await twins();
    const [fresh, old] = paths;
    await change(fresh);
    await change(old);
    const { result, adds } = await gitAdds(() =>
      snapshotWorktree({ ...ids, worktree: fresh, exclude, leaveOut: rules }),
    );
    if (!result.committed) throw new Error('expected a commit');
    expect(adds).toEqual([
      '--update --pathspec-from-file=- --pathspec-file-nul',
      '--all --pathspec-from-file=- --pathspec-file-nul',
    ]);
    expect(runGit(fresh, ['rev-parse', 'HEAD^{tree}'])).toBe(await stageTheOldWay(old));
    const files = runGit(fresh, ['ls-tree', '-r', '-z', '--name-only', 'HEAD']).split('\0');
    expect(files).toEqual(expect.arrayContaining([...magicNames, 'build/keep.txt', 'vendor/x/loose.txt']));
    for (const gone of [
      'id_rsa',
      '.env',
      'big.bin',
      'node_modules',
      'build/gone.txt',
      'build/junk.o',
      'del.txt',
    ])
      expect(files).not.toContain(gone);
    expect(runGit(fresh, ['ls-tree', 'HEAD', 'run.sh', 'link', 'new-link']).replace(/ \S+\t/g, ' ')).toBe(
      '120000 blob link\n120000 blob new-link\n100755 blob run.sh',
    );
    expect(result.leftOut.map((entry) => entry.path).sort()).toEqual(['.env', 'big.bin', 'id_rsa']);
  });

  it('falls back to the full add when a listed path cannot be added: a tracked folder now a symlink', async () => {
    const { paths } = await twins();
    for (const path of paths) {
      await change(path);
      await rm(join(path, 'became-file'));
      await symlink('dir', join(path, 'became-file'));
    }
    const { result, adds } = await gitAdds(() =>
      snapshotWorktree({ ...ids, worktree: paths[0], exclude, leaveOut: rules }),
    );
    expect(result.committed).toBe(true);
    // `became-file/x.txt` is "beyond a symbolic link" for the restricted add.
    expect(adds.at(-1)).toMatch(/^--all -- \. ':\(exclude,literal\)node_modules' /);
    expect(runGit(paths[0], ['rev-parse', 'HEAD^{tree}'])).toBe(await stageTheOldWay(paths[1]));
  });

  it('falls back to the full add when a listed path vanished before the add', async () => {
    const repo = await tempRepo({ 'a.txt': 'a\n' });
    await writeFiles(repo, { 'a.txt': 'b\n', 'new.txt': 'n\n', 'skip.txt': 's\n' });
    const plan = { tracked: ['a.txt'], untracked: ['new.txt', 'vanished.txt'] };
    const { adds } = await gitAdds(() => stageListed(repo, plan, [':(exclude,literal)skip.txt']));
    expect(adds).toHaveLength(3);
    expect(runGit(repo, ['diff', '--cached', '--name-status'])).toBe('M\ta.txt\nA\tnew.txt');
  });

  it('runs no add when nothing is listed, and still commits what the agent staged itself', async () => {
    const repo = await tempRepo({ 'a.txt': 'a\n' });
    const untouched = await gitAdds(() => snapshotWorktree({ ...ids, worktree: repo, leaveOut: {} }));
    expect(untouched).toMatchObject({ adds: [], result: { committed: false, reason: 'no changes' } });
    await writeFiles(repo, { 'staged.txt': 'by the agent\n' });
    runGit(repo, ['add', 'staged.txt']);
    const { result, adds } = await gitAdds(() => snapshotWorktree({ ...ids, worktree: repo, leaveOut: {} }));
    expect(adds).toEqual([]);
    expect(result.committed).toBe(true);
    expect(runGit(repo, ['show', 'HEAD:staged.txt'])).toBe('by the agent');
  });

  it('re-adds everything after the pre-commit hook, which may touch any file', async () => {
    const { repo, paths } = await twins();
    const hook = join(repo, '.git', 'hooks', 'pre-commit');
    await writeFile(hook, '#!/bin/sh\necho generated > generated.txt\n');
    await chmod(hook, 0o755);
    await writeFiles(paths[0], { 'a.txt': 'edited\n' });
    const hooks = {
      env: { PATH: process.env.PATH ?? '' },
      runner: {
        run: async (file: string, args: string[], env: Record<string, string>) => {
          await promisify(execFile)(file, args, { cwd: paths[0], env });
          return { ok: true, output: '' };
        },
      },
    };
    const { adds } = await gitAdds(() =>
      snapshotWorktree({ ...ids, worktree: paths[0], exclude, leaveOut: rules, hooks }),
    );
    expect(restricted(adds.slice(0, -1))).toBe(true);
    expect(adds.at(-1)).toBe("--all -- . ':(exclude,literal)node_modules' ':(exclude,literal).env'");
    expect(runGit(paths[0], ['show', 'HEAD:generated.txt'])).toBe('generated');
    expect(runGit(paths[0], ['ls-tree', '--name-only', 'HEAD'])).not.toContain('node_modules');
  });
});

describe('pathsToStage', () => {
  const changes = {
    paths: ['a.txt', 'node_modules', 'node_modules/x.js', 'node_modules2', 'vendor/x/', 'id_rsa', 'deps/y'],
    untracked: new Set([
      'node_modules',
      'node_modules/x.js',
      'node_modules2',
      'vendor/x/',
      'id_rsa',
      'deps/y',
    ]),
  };
  it.each([
    { exclude: [], leftOut: [], tracked: ['a.txt'], untracked: changes.paths.slice(1) },
    {
      exclude: ['node_modules', './deps/', 'vendor/x'],
      leftOut: [{ path: 'id_rsa', reason: 'secret' as const }],
      tracked: ['a.txt'],
      untracked: ['node_modules2'],
    },
    { exclude: ['a.txt'], leftOut: [], tracked: [], untracked: changes.paths.slice(1) },
  ])('leaves out $exclude and the left-out files', ({ exclude: dirs, leftOut, tracked, untracked }) => {
    expect(pathsToStage(changes, dirs, leftOut)).toEqual({ tracked, untracked });
  });
});
