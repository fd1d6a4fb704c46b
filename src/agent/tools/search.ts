import { readFile } from 'node:fs/promises';
import { PathRefused } from '../path-guard.js';
import picomatch from 'picomatch';
import { runInGroup } from '../../sandbox/process-group.js';
import type { ToolArgs } from './schemas.js';
import { fail, type ToolContext, type ToolOutcome } from './context.js';
import { inFolder, listWorktreeFiles } from './files.js';

const maxMatches = 200;
const maxLineChars = 300;

export interface SearchHit {
  path: string;
  line: number;
  text: string;
}

function format(hits: SearchHit[], total: number): string {
  if (hits.length === 0) return '(no matches)';
  const lines = hits.map((h) => {
    const text = h.text.length > maxLineChars ? `${h.text.slice(0, maxLineChars)}…` : h.text;
    return `${h.path}:${h.line}: ${text}`;
  });
  return total > hits.length
    ? `${lines.join('\n')}\n… more matches; narrow the pattern or path`
    : lines.join('\n');
}

/**
 * Plain JavaScript search over the same file list `list_files` shows. Each file goes through the
 * path guard: a committed symlink to a file outside the worktree is skipped, never read.
 */
export async function searchWithJs(
  ctx: ToolContext,
  files: string[],
  regex: RegExp,
): Promise<{ hits: SearchHit[]; total: number }> {
  const hits: SearchHit[] = [];
  let total = 0;
  for (const path of files) {
    if (ctx.isSecretFile(path)) continue;
    const abs = await ctx.guard.resolve(path).then(
      (resolved) => resolved.abs,
      (error: unknown) => {
        if (error instanceof PathRefused) return null;
        throw error;
      },
    );
    if (abs === null) continue;
    const bytes = await readFile(abs).catch(() => null);
    if (bytes === null || bytes.subarray(0, 8_192).includes(0)) continue;
    const lines = bytes.toString('utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!regex.test(lines[i] ?? '')) continue;
      total++;
      if (hits.length < maxMatches) hits.push({ path, line: i + 1, text: lines[i] ?? '' });
      else return { hits, total };
    }
  }
  return { hits, total };
}

/**
 * ripgrep with the same ignores as list_files (.gitignore, excludePaths); null when rg is unavailable.
 * rg never follows symlinks while walking (no `--follow`); hits in secret files are dropped.
 */
export async function searchWithRipgrep(
  ctx: ToolContext,
  folder: string,
  args: ToolArgs<'search'>,
): Promise<{ hits: SearchHit[]; total: number } | null> {
  const rgArgs = ['--no-heading', '--line-number', '--color', 'never', '--no-config', '--with-filename'];
  rgArgs.push('--hidden', '--glob', '!.git', ...ctx.excludePaths.flatMap((p) => ['--glob', `!${p}`]));
  if (args.glob !== undefined) rgArgs.push('--glob', args.glob);
  if (args.caseSensitive === false) rgArgs.push('--ignore-case');
  const result = await runInGroup('rg', [...rgArgs, '-e', args.pattern, '--', folder === '' ? '.' : folder], {
    cwd: ctx.worktree,
    env: ctx.env,
    timeoutMs: 30_000,
    signal: ctx.signal,
    headChars: 200_000,
    tailChars: 0,
  });
  if (result.spawnError !== undefined || (result.exitCode !== 0 && result.exitCode !== 1)) return null;
  const hits: SearchHit[] = [];
  let total = 0;
  for (const line of result.output.split('\n')) {
    const match = /^(.*?):(\d+):(.*)$/.exec(line);
    if (!match) continue;
    const path = (match[1] ?? '').replace(/^\.\//, '');
    if (ctx.isSecretFile(path)) continue;
    total++;
    if (hits.length < maxMatches) hits.push({ path, line: Number(match[2]), text: match[3] ?? '' });
  }
  return { hits, total };
}

async function jsFiles(ctx: ToolContext, args: ToolArgs<'search'>): Promise<string[]> {
  const within = await inFolder(ctx, args.path);
  const matches = args.glob ? picomatch(args.glob, { dot: true, basename: !args.glob.includes('/') }) : null;
  return (await listWorktreeFiles(ctx)).filter((p) => within(p) && (matches === null || matches(p)));
}

export async function searchFiles(ctx: ToolContext, args: ToolArgs<'search'>): Promise<ToolOutcome> {
  const caseSensitive = args.caseSensitive ?? true;
  let regex: RegExp;
  try {
    regex = new RegExp(args.pattern, caseSensitive ? '' : 'i');
  } catch (error) {
    return fail(`invalid regular expression: ${(error as Error).message}`);
  }
  const folder = args.path === undefined ? '' : (await ctx.guard.resolve(args.path)).rel;
  // rg is much faster on big trees; when it is missing (or rejects the pattern) JavaScript does it.
  const found =
    (await searchWithRipgrep(ctx, folder, args)) ??
    (await searchWithJs(ctx, await jsFiles(ctx, args), regex));
  return { ok: true, output: format(found.hits, found.total) };
}
