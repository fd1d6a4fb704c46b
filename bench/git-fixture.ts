import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A generated repository for the git benchmarks, written with one `git fast-import` stream:
 * `files` small text files in folders of 100, plus `shared.txt`, on branch `main`.
 */
export interface BenchRepo {
  dir: string;
  base: string;
}

export function run(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, { cwd, input, encoding: 'utf8', maxBuffer: 1 << 30 }).replace(/\n$/, '');
}

function fileBody(index: number): string {
  return Array.from({ length: 8 }, (_, line) => `file ${index} line ${line}\n`).join('');
}

export function filePath(index: number): string {
  return `pkg${String(Math.floor(index / 100)).padStart(3, '0')}/file${index}.txt`;
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

export function generateRepo(files: number): BenchRepo {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'maestro-bench-')));
  run(dir, ['init', '-q', '-b', 'main']);
  run(dir, ['config', 'user.name', 'Bench']);
  run(dir, ['config', 'user.email', 'bench@example.com']);
  const parts: string[] = [
    'commit refs/heads/main\nmark :1\ncommitter Bench <bench@example.com> 0 +0000\n',
    data('base'),
  ];
  parts.push(
    `M 100644 inline shared.txt\n${data(Array.from({ length: 10 }, (_, i) => `shared ${i}\n`).join(''))}`,
  );
  for (let index = 0; index < files; index++)
    parts.push(`M 100644 inline ${filePath(index)}\n${data(fileBody(index))}`);
  run(dir, ['fast-import', '--quiet'], parts.join(''));
  return { dir, base: run(dir, ['rev-parse', 'main']) };
}

/** Task branches `bench/t<i>` from the base: each edits its own file; `conflicting` ones also edit shared.txt line 5. */
export function generateBranches(repo: BenchRepo, count: number, conflicting: number[]): string[] {
  const parts: string[] = [];
  for (let task = 0; task < count; task++) {
    parts.push(
      `commit refs/heads/bench/t${task}\ncommitter Bench <bench@example.com> ${task + 1} +0000\n${data(`task ${task}`)}from ${repo.base}\n`,
    );
    parts.push(
      `M 100644 inline ${filePath(task * 97)}\n${data(`${fileBody(task * 97)}task ${task} was here\n`)}`,
    );
    if (task === 0 || conflicting.includes(task)) {
      const lines = Array.from({ length: 10 }, (_, i) =>
        i === 5 ? `shared ${i} edited by task ${task}\n` : `shared ${i}\n`,
      );
      parts.push(`M 100644 inline shared.txt\n${data(lines.join(''))}`);
    }
  }
  run(repo.dir, ['fast-import', '--quiet'], parts.join(''));
  return Array.from({ length: count }, (_, task) => run(repo.dir, ['rev-parse', `bench/t${task}`]));
}

export function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
