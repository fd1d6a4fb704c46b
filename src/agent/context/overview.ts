import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import picomatch from 'picomatch';
import { git } from '../../git/runner.js';

/**
 * The repository overview every agent shares: the file tree and the key exported symbols.
 * Sorted and capped, so the same commit always yields the same bytes (a cacheable prefix).
 */
export interface OverviewLimits {
  maxTreeFiles: number;
  maxSymbolFiles: number;
  maxSymbolsPerFile: number;
  maxFileBytes: number;
}

export const defaultOverviewLimits: OverviewLimits = {
  maxTreeFiles: 400,
  maxSymbolFiles: 150,
  maxSymbolsPerFile: 15,
  maxFileBytes: 200_000,
};

const symbolPatterns: Record<string, RegExp[]> = {
  js: [
    /^export\s+(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(function\*?|class|const|let|interface|type|enum)\s+([A-Za-z_$][\w$]*)/,
  ],
  py: [/^(def|class)\s+([A-Za-z]\w*)/],
  go: [/^(func)\s+(?:\([^)]*\)\s*)?([A-Z]\w*)/, /^(type)\s+([A-Z]\w*)/],
  rs: [/^pub\s+(?:async\s+)?(fn|struct|enum|trait|type|const|mod)\s+(\w+)/],
};

const languageOf: Record<string, string> = {
  '.ts': 'js',
  '.tsx': 'js',
  '.mts': 'js',
  '.cts': 'js',
  '.js': 'js',
  '.jsx': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
  '.py': 'py',
  '.go': 'go',
  '.rs': 'rs',
};

export function keySymbols(source: string, language: string, max: number): string[] {
  const patterns = symbolPatterns[language] ?? [];
  const found: string[] = [];
  for (const line of source.split('\n')) {
    for (const pattern of patterns) {
      const match = pattern.exec(line);
      if (match) found.push(`${match[1]} ${match[2]}`);
    }
    if (found.length >= max) break;
  }
  return found;
}

function renderTree(files: string[], max: number): string {
  if (files.length <= max) return files.join('\n');
  const shown = files.slice(0, max);
  const rest = new Map<string, number>();
  for (const file of files.slice(max)) {
    const top = file.includes('/') ? `${file.split('/')[0]}/` : '(root)';
    rest.set(top, (rest.get(top) ?? 0) + 1);
  }
  const summary = [...rest].map(([dir, n]) => `${dir} ${n}`).join(', ');
  return `${shown.join('\n')}\n… ${files.length - max} more files (${summary})`;
}

/** Tracked files (excludePaths removed), sorted bytewise so locale never changes the order. */
export async function trackedFiles(repoDir: string, excludePaths: readonly string[]): Promise<string[]> {
  const out = (await git(['ls-files', '-z'], { cwd: repoDir })).stdout;
  const excluded = picomatch([...excludePaths], { dot: true });
  return out
    .split('\0')
    .filter((p) => p !== '' && !excluded(p))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function buildRepoOverview(
  repoDir: string,
  excludePaths: readonly string[],
  limits: OverviewLimits = defaultOverviewLimits,
): Promise<string> {
  const files = await trackedFiles(repoDir, excludePaths);
  const symbolLines: string[] = [];
  for (const file of files) {
    if (symbolLines.length >= limits.maxSymbolFiles) break;
    const language = languageOf[extname(file)];
    if (language === undefined) continue;
    const bytes = await readFile(join(repoDir, file)).catch(() => null);
    if (bytes === null || bytes.length > limits.maxFileBytes) continue;
    const symbols = keySymbols(bytes.toString('utf8'), language, limits.maxSymbolsPerFile);
    if (symbols.length > 0) symbolLines.push(`${file}: ${symbols.join(', ')}`);
  }
  return [
    `# Repository overview (${files.length} files)`,
    '## Files',
    renderTree(files, limits.maxTreeFiles),
    '## Key symbols',
    symbolLines.length > 0 ? symbolLines.join('\n') : '(none found)',
  ].join('\n');
}
