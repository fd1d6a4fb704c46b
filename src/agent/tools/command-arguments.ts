import { basename, isAbsolute, relative, sep } from 'node:path';
import { PathRefused, type PathGuard } from '../path-guard.js';

/**
 * What the model may add after an allowed command: flags, except those that aim the program
 * somewhere else or make it run something else, and paths, which go through the path guard like
 * every file tool's (inside the worktree, out of `.git`).
 */
const refusedFlags: Record<string, { flags: string[]; prefixes?: string[] }> = {
  // Writes or reads outside (`--output`, `--no-index`), other repositories, other programs.
  git: {
    flags: [
      '--no-index',
      '--ext-diff',
      '--textconv',
      '--exec-path',
      '--git-dir',
      '--work-tree',
      '--namespace',
      '--upload-pack',
      '--receive-pack',
      '--exec',
      '--config-env',
      '--open-files-in-pager',
      '-c',
      '-C',
      '-O',
    ],
    prefixes: ['--output', '--exec'],
  },
  // Other folders, configs or shells than the project's.
  npm: {
    flags: [
      '--prefix',
      '--userconfig',
      '--globalconfig',
      '--global',
      '-g',
      '--location',
      '--script-shell',
      '-w',
    ],
    prefixes: ['--node-options', '--workspace'],
  },
  npx: { flags: ['--package', '-p', '--call', '-c', '--prefix', '--userconfig', '--shell-auto-fallback'] },
  pnpm: { flags: ['-C', '--dir', '--global', '-g', '--filter', '-F', '--workspace-root', '-w'] },
  yarn: { flags: ['--cwd', '--global-folder', '--cache-folder'] },
  // Code given on the command line instead of in the project's files.
  node: {
    flags: [
      '-e',
      '--eval',
      '-p',
      '--print',
      '-r',
      '--require',
      '--import',
      '--loader',
      '--experimental-loader',
    ],
  },
};

function flagName(arg: string): string {
  const eq = arg.indexOf('=');
  return eq < 0 ? arg : arg.slice(0, eq);
}

/** A value names a path when it has a separator, starts with `.`, `~` or `/`: those are checked. */
function looksLikePath(value: string): boolean {
  return value.includes('/') || value.includes('\\') || value.startsWith('.') || value.startsWith('~');
}

async function checkPath(value: string, guard: PathGuard): Promise<string | null> {
  let candidate = value;
  if (isAbsolute(value)) {
    const rel = relative(guard.root, value);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      return `argument "${value}" is outside the worktree`;
    }
    candidate = rel;
  }
  try {
    await guard.resolve(candidate);
    return null;
  } catch (error) {
    if (error instanceof PathRefused) return `argument ${error.message}`;
    throw error;
  }
}

/** Null when every extra argument is acceptable, else the first reason to refuse. */
export async function checkArguments(
  program: string,
  extra: readonly string[],
  guard: PathGuard,
): Promise<string | null> {
  const rules = refusedFlags[basename(program)];
  for (const arg of extra) {
    if (arg.startsWith('-') && rules) {
      const name = flagName(arg);
      if (rules.flags.includes(name) || (rules.prefixes ?? []).some((p) => name.startsWith(p))) {
        return `the flag ${name} is not allowed for ${basename(program)} here`;
      }
    }
    const value = arg.startsWith('-') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg;
    if (arg.startsWith('-') && value === arg) continue;
    if (!looksLikePath(value)) continue;
    const refused = await checkPath(value, guard);
    if (refused !== null) return refused;
  }
  return null;
}
