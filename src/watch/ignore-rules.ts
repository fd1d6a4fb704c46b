import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { git } from '../git/runner.js';

const globSpecial = /[\\*?[]/g;

/**
 * One line of the .gitignore in `folder` (relative to the root, '' for the root itself) as a line
 * of a root .gitignore, or `undefined` for a comment or blank line. A pattern with a slash before
 * its end is anchored to `folder`; one without may match at any depth below it.
 */
export function rebaseIgnoreLine(line: string, folder: string): string | undefined {
  if (folder === '') return line;
  if (line.startsWith('#')) return undefined;
  const negated = line.startsWith('!');
  let body = negated ? line.slice(1) : line;
  // Trailing spaces do not count for anchoring (`bar/ ` is a folder pattern); the ignore library trims them.
  const trimmed = body.replace(/ +$/, '');
  if (/^\/*$/.test(trimmed)) return undefined;
  const anchored = trimmed.replace(/\/$/, '').includes('/');
  if (body.startsWith('/')) body = body.slice(1);
  // An escaped leading `!` or `#` is an ordinary character once it is not at the start of the line.
  else if (body.startsWith('\\!') || body.startsWith('\\#')) body = body.slice(1);
  let prefix = folder.replace(globSpecial, '\\$&');
  if (prefix.startsWith('#') || prefix.startsWith('!')) prefix = `\\${prefix}`;
  return `${negated ? '!' : ''}${prefix}/${anchored ? '' : '**/'}${body}`;
}

const depth = (folder: string): number => (folder === '' ? 0 : folder.split('/').length);

/**
 * What git ignores in one worktree (.git/info/exclude and every .gitignore, each relative to its
 * own folder), plus the config's excludePaths. All .gitignore files are rebased onto the root into
 * one rule list, deeper files last, so the last matching rule decides as in git and a folder
 * excluded by any level excludes everything under it.
 */
export class WorktreeIgnores {
  private readonly texts: Map<string, string>;
  private readonly excluded: (path: string) => boolean;
  private rules: Ignore;

  /** `files`: each .gitignore's folder ('' = root) and text. */
  constructor(
    private readonly infoExclude: string,
    excludePaths: readonly string[],
    files: Iterable<readonly [string, string]> = [],
  ) {
    this.excluded = picomatch([...excludePaths], { dot: true });
    this.texts = new Map(files);
    this.rules = this.build();
  }

  /** Sets the .gitignore text of `folder` ('' = root; `undefined` = none); false when nothing changed. */
  setFile(folder: string, text: string | undefined): boolean {
    if (this.texts.get(folder) === text) return false;
    if (text === undefined) this.texts.delete(folder);
    else this.texts.set(folder, text);
    this.rules = this.build();
    return true;
  }

  /**
   * `rel` is relative to the root, with `/`. `isDir` undefined means not known yet: folder patterns
   * count too, so an ignored folder is never entered.
   */
  ignores(rel: string, isDir?: boolean): boolean {
    if (rel === '') return false;
    const asDir = isDir !== false;
    if (this.excluded(rel) || (asDir && (this.excluded(`${rel}/`) || this.excluded(`${rel}/x`)))) return true;
    return this.rules.ignores(rel) || (asDir && this.rules.ignores(`${rel}/`));
  }

  private build(): Ignore {
    const rules = ignore().add(this.infoExclude);
    const folders = [...this.texts.keys()].sort((a, b) => depth(a) - depth(b));
    for (const folder of folders) {
      const text = (this.texts.get(folder) ?? '').replace(/^\uFEFF/, '');
      rules.add(text.split(/\r?\n/).flatMap((line) => rebaseIgnoreLine(line, folder) ?? []));
    }
    // Last, so no negation can bring .git back.
    return rules.add(['.git', '.git/']);
  }
}

/**
 * Reads a worktree's ignore rules. The .gitignore files are listed by one `git ls-files` (tracked
 * ones, and untracked ones a resumed agent may have written), so the worktree is not walked twice.
 */
export async function loadWorktreeIgnores(
  root: string,
  excludePaths: readonly string[],
): Promise<WorktreeIgnores> {
  const listed = await git(
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ':(glob)**/.gitignore'],
    { cwd: root },
  ).then(
    (result) => result.stdout.split('\0'),
    // Not a git checkout (or no git): the root .gitignore is still read below.
    () => [],
  );
  const files = new Set(['.gitignore', ...listed.filter((path) => path.endsWith('/.gitignore'))]);
  const read = (path: string): Promise<string | undefined> =>
    readFile(join(root, path), 'utf8').catch(() => undefined);
  const [exclude, ...texts] = await Promise.all([
    // A worktree's .git is a file, so only a main checkout has an info/exclude here.
    read(join('.git', 'info', 'exclude')),
    ...[...files].map(read),
  ]);
  const found = [...files].flatMap((file, index) => {
    const text = texts[index];
    return text === undefined ? [] : [[ignoreFolder(file), text] as const];
  });
  return new WorktreeIgnores(exclude ?? '', excludePaths, found);
}

/** The folder a .gitignore path (relative, with `/`) applies to: '' for the root. */
export function ignoreFolder(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? '' : file.slice(0, slash);
}
