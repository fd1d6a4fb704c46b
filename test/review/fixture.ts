import { execFileSync } from 'node:child_process';
import { writeFile, rm, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConflictFile, ConflictKind } from '../../src/git/conflict-types.js';
import { parseConflicts } from '../../src/git/conflict-model.js';
import { commitAll, runGit, tempRepo, writeFiles } from '../helpers/repo.js';

/**
 * Test-only stand-in for the git engine's conflicted merge: runs `git merge-tree --write-tree -z`
 * and turns its output into ConflictFile[] (product code receives these from the engine).
 */
export interface MergeFixture {
  repo: string;
  runId: string;
  taskId: string;
  resultCommit: string;
  taskCommit: string;
  mergeTree: string;
  files: ConflictFile[];
}

const kindOfType: Record<string, ConflictKind> = {
  content: 'content',
  'add/add': 'add/add',
  'modify/delete': 'modify/delete',
  'rename/rename': 'rename',
  'rename/delete': 'rename',
  'file/directory': 'rename',
  binary: 'binary',
  mode: 'mode',
};

export function mergeConflicts(
  repo: string,
  ours: string,
  theirs: string,
): Omit<MergeFixture, 'repo' | 'runId' | 'taskId'> {
  let out: string;
  try {
    out = execFileSync(
      'git',
      ['-c', 'merge.conflictStyle=zdiff3', 'merge-tree', '--write-tree', '-z', ours, theirs],
      {
        cwd: repo,
        encoding: 'utf8',
      },
    );
  } catch (error) {
    out = String((error as { stdout: string }).stdout);
  }
  const [head = '', messages = ''] = out.split('\0\0');
  const [mergeTree = '', ...entries] = head.split('\0');
  const files = new Map<string, ConflictFile>();
  for (const entry of entries.filter(Boolean)) {
    const match = /^(\d+) ([0-9a-f]+) (\d)\t(.*)$/s.exec(entry);
    if (!match) continue;
    const [, mode = '', oid = '', stage = '', path = ''] = match;
    const file = files.get(path) ?? { path, kind: 'content', stages: {}, modes: {}, hunks: [], messages: [] };
    const side = stage === '1' ? 'base' : stage === '2' ? 'ours' : 'theirs';
    file.stages[side] = oid;
    file.modes[side] = mode;
    files.set(path, file);
  }
  const fields = messages.split('\0');
  for (let i = 0; i < fields.length;) {
    const count = Number(fields[i]);
    if (!Number.isFinite(count) || fields[i] === '') break;
    const paths = fields.slice(i + 1, i + 1 + count);
    const type = fields[i + 1 + count] ?? '';
    const message = fields[i + 2 + count] ?? '';
    i += count + 3;
    // The type field says `contents` even for add/add; the message names the real kind.
    const kind = type.startsWith('CONFLICT')
      ? kindOfType[/^CONFLICT \(([^)]*)\)/.exec(message)?.[1] ?? '']
      : undefined;
    for (const path of paths) {
      const file = files.get(path);
      if (!file) continue;
      file.messages.push(message.trim());
      if (kind && (file.kind === 'content' || kind === 'binary')) file.kind = kind;
    }
  }
  for (const file of files.values()) {
    if (file.kind !== 'content' && file.kind !== 'add/add') continue;
    const text = execFileSync('git', ['cat-file', 'blob', `${mergeTree}:${file.path}`], {
      cwd: repo,
      encoding: 'utf8',
    });
    if (text.includes('\0')) {
      file.kind = 'binary';
      continue;
    }
    file.markedText = text;
    file.hunks = parseConflicts(text).hunks;
  }
  return {
    resultCommit: runGit(repo, ['rev-parse', ours]),
    taskCommit: runGit(repo, ['rev-parse', theirs]),
    mergeTree,
    files: [...files.values()],
  };
}

const lines = (from: number, to: number, tag = 'line'): string =>
  Array.from({ length: to - from + 1 }, (_, i) => `${tag} ${from + i}\n`).join('');

/**
 * A repository with a result branch and a task branch that conflict in every way: a content file
 * with two hunks, a CRLF file, add/add, modify/delete, rename/rename and a binary file.
 */
export async function conflictRepo(runId = 'r1', taskId = 't1'): Promise<MergeFixture> {
  const repo = await tempRepo({
    'app.ts': lines(1, 20),
    'win.txt': 'one\r\ntwo\r\nthree\r\n',
    'gone.txt': 'keep me\n',
    'moved.txt': lines(1, 5, 'moved'),
    'image.bin': 'BIN\0base\n',
  });
  const base = runGit(repo, ['rev-parse', 'HEAD']);
  runGit(repo, ['branch', `maestro/${runId}/result`, base]);
  runGit(repo, ['checkout', '-q', '-b', `maestro/${runId}/tasks/${taskId}`]);
  await writeFiles(repo, {
    'app.ts': lines(1, 20).replace('line 3\n', 'THEIRS-1\n').replace('line 15\n', 'THEIRS-2\n'),
    'win.txt': 'one\r\nTHEIRS\r\nthree\r\n',
    'added.md': '# theirs\n',
    'image.bin': 'BIN\0theirs\n',
  });
  await rm(join(repo, 'gone.txt'));
  runGit(repo, ['mv', 'moved.txt', 'moved-theirs.txt']);
  const taskCommit = commitAll(repo, 'task work');
  runGit(repo, ['checkout', '-q', `maestro/${runId}/result`]);
  await writeFiles(repo, {
    'app.ts': lines(1, 20).replace('line 3\n', 'OURS-1\n').replace('line 15\n', 'OURS-2\n'),
    'win.txt': 'one\r\nOURS\r\nthree\r\n',
    'added.md': '# ours\n',
    'gone.txt': 'keep me, changed\n',
    'image.bin': 'BIN\0ours\n',
  });
  runGit(repo, ['mv', 'moved.txt', 'moved-ours.txt']);
  const resultCommit = commitAll(repo, 'earlier task merged');
  // The user works on main; maestro must not touch it.
  runGit(repo, ['checkout', '-q', 'main']);
  await writeFile(join(repo, 'dirty.txt'), 'uncommitted\n');
  await chmod(join(repo, 'dirty.txt'), 0o644);
  const merge = mergeConflicts(repo, resultCommit, taskCommit);
  return { repo, runId, taskId, ...merge };
}
