import { lstat, readFile, stat } from 'node:fs/promises';
import picomatch from 'picomatch';
import { git } from '../../git/runner.js';
import { PathRefused } from '../path-guard.js';
import { secretFileRefusal } from '../secret-files.js';
import { writeInside } from './safe-write.js';
import type { ToolArgs } from './schemas.js';
import { fail, type ToolContext, type ToolOutcome } from './context.js';

const maxListed = 2_000;
const maxReadBytes = 2 * 1024 * 1024;
const maxAnyBytes = 64 * 1024 * 1024;
const maxReadLines = 2_000;
const maxLineChars = 2_000;
const maxOutputChars = 100_000;

/** Files git would consider (tracked + untracked, ignores applied), minus excludePaths; sorted. */
export async function listWorktreeFiles(ctx: ToolContext): Promise<string[]> {
  const opts = { cwd: ctx.worktree, signal: ctx.signal };
  const all = (await git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], opts)).stdout;
  const deleted = new Set((await git(['ls-files', '-z', '--deleted'], opts)).stdout.split('\0'));
  const excluded = picomatch([...ctx.excludePaths], { dot: true });
  const unique = new Set(all.split('\0').filter((p) => p !== '' && !deleted.has(p) && !excluded(p)));
  return [...unique].sort();
}

export async function inFolder(
  ctx: ToolContext,
  folder: string | undefined,
): Promise<(p: string) => boolean> {
  if (folder === undefined || folder === '' || folder === '.') return () => true;
  const { rel } = await ctx.guard.resolve(folder);
  return (p) => rel === '' || p === rel || p.startsWith(`${rel}/`);
}

export async function listFiles(ctx: ToolContext, args: ToolArgs<'list_files'>): Promise<ToolOutcome> {
  const within = await inFolder(ctx, args.path);
  const matches = args.glob ? picomatch(args.glob, { dot: true, basename: !args.glob.includes('/') }) : null;
  const files = (await listWorktreeFiles(ctx)).filter((p) => within(p) && (matches === null || matches(p)));
  if (files.length === 0) return { ok: true, output: '(no files)' };
  const shown = files.slice(0, maxListed).join('\n');
  const more =
    files.length > maxListed ? `\n… ${files.length - maxListed} more; narrow with path or glob` : '';
  return { ok: true, output: shown + more };
}

function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8_192).includes(0);
}

export async function readTextFile(ctx: ToolContext, args: ToolArgs<'read_file'>): Promise<ToolOutcome> {
  const { rel, abs } = await ctx.guard.resolve(args.path);
  if (ctx.isSecretFile(rel)) return fail(secretFileRefusal(rel));
  const info = await stat(abs).catch(() => null);
  if (info === null) return fail(`${rel} does not exist.`);
  if (info.isDirectory()) return fail(`${rel} is a folder; use list_files to see its files.`);
  if (!info.isFile()) return fail(`${rel} is not a regular file.`);
  if (info.size > maxAnyBytes) return fail(`${rel} is ${info.size} bytes, too large to read.`);
  if (info.size > maxReadBytes && args.startLine === undefined) {
    return fail(`${rel} is ${info.size} bytes, too large to read whole; read a line range.`);
  }
  const bytes = await readFile(abs);
  if (looksBinary(bytes))
    return fail(`${rel} is a binary file (${info.size} bytes); it cannot be read as text.`);
  const lines = bytes.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const start = args.startLine ?? 1;
  if (args.endLine !== undefined && args.endLine < start)
    return fail('endLine must not be before startLine.');
  const requestedEnd = Math.min(args.endLine ?? lines.length, lines.length);
  if (start > lines.length && lines.length > 0) return fail(`${rel} has only ${lines.length} lines.`);
  const end = Math.min(requestedEnd, start + maxReadLines - 1);
  const out: string[] = [];
  let chars = 0;
  let last = start - 1;
  for (let n = start; n <= end; n++) {
    const line = lines[n - 1] ?? '';
    const text = line.length > maxLineChars ? `${line.slice(0, maxLineChars)}… [line truncated]` : line;
    chars += text.length;
    if (chars > maxOutputChars) break;
    out.push(`${n}| ${text}`);
    last = n;
  }
  const header = `${rel} (lines ${start}-${last} of ${lines.length})`;
  const more = last < requestedEnd ? `\n… truncated; continue with startLine ${last + 1}` : '';
  return { ok: true, output: `${header}\n${out.join('\n')}${more}` };
}

/** The refusal for content over `agentLimits.maxWriteBytes`, or null when it fits. */
function tooLarge(ctx: ToolContext, rel: string, content: string): ToolOutcome | null {
  const bytes = Buffer.byteLength(content);
  if (bytes <= ctx.maxWriteBytes) return null;
  return fail(
    `refused: ${rel} would be ${bytes} bytes, over the limit of ${ctx.maxWriteBytes} bytes per written file (agentLimits.maxWriteBytes).`,
  );
}

export async function writeTextFile(ctx: ToolContext, args: ToolArgs<'write_file'>): Promise<ToolOutcome> {
  const { rel, abs } = await ctx.guard.resolve(args.path);
  if (rel === '') throw new PathRefused(args.path, 'it is the worktree itself');
  const existing = await lstat(abs).catch(() => null);
  if (existing?.isDirectory()) return fail(`${rel} is a folder; give a file path.`);
  const refused = tooLarge(ctx, rel, args.content);
  if (refused) return refused;
  await writeInside(ctx.guard.root, abs, args.content);
  const kind = existing === null ? 'add' : 'change';
  return {
    ok: true,
    output: `wrote ${rel} (${args.content.length} characters)`,
    changed: [{ path: rel, kind }],
  };
}

function countOccurrences(text: string, search: string): number {
  let count = 0;
  for (let at = text.indexOf(search); at !== -1; at = text.indexOf(search, at + 1)) count++;
  return count;
}

export async function editTextFile(ctx: ToolContext, args: ToolArgs<'edit_file'>): Promise<ToolOutcome> {
  const { rel, abs } = await ctx.guard.resolve(args.path);
  if (ctx.isSecretFile(rel)) return fail(secretFileRefusal(rel));
  const bytes = await readFile(abs).catch(() => null);
  if (bytes === null) return fail(`${rel} does not exist; use write_file to create it.`);
  if (looksBinary(bytes)) return fail(`${rel} is a binary file; it cannot be edited as text.`);
  const text = bytes.toString('utf8');
  const count = countOccurrences(text, args.search);
  if (count === 0)
    return fail(`search text not found in ${rel} (0 occurrences); read the file and copy it exactly.`);
  if (count > 1) {
    return fail(
      `search text is not unique in ${rel} (${count} occurrences); include more surrounding lines.`,
    );
  }
  const at = text.indexOf(args.search);
  const edited = text.slice(0, at) + args.replace + text.slice(at + args.search.length);
  const refused = tooLarge(ctx, rel, edited);
  if (refused) return refused;
  await writeInside(ctx.guard.root, abs, edited);
  const line = text.slice(0, at).split('\n').length;
  return { ok: true, output: `edited ${rel} at line ${line}`, changed: [{ path: rel, kind: 'change' }] };
}
