import { lstat, realpath } from 'node:fs/promises';
import { join, relative, isAbsolute, sep } from 'node:path';

/** A path the model asked for that must not be touched; the message goes back to the model. */
export class PathRefused extends Error {
  constructor(
    readonly requested: string,
    reason: string,
  ) {
    super(`path "${requested.replace(/\0/g, '\\0')}" refused: ${reason}`);
    this.name = 'PathRefused';
  }
}

export interface GuardedPath {
  /** Relative to the worktree, with `/` separators ('' for the worktree itself). */
  rel: string;
  /** Absolute real path (symlinks resolved) inside the worktree; may not exist yet. */
  abs: string;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Resolves model-supplied paths inside one worktree. Every existing component is resolved to its
 * real path and must stay inside the worktree and out of `.git`; a symlink at the last component
 * must point inside too, and a dangling one is refused (writing through it would create its target).
 */
export class PathGuard {
  private constructor(readonly root: string) {}

  static async create(worktree: string): Promise<PathGuard> {
    return new PathGuard(await realpath(worktree));
  }

  async resolve(requested: string): Promise<GuardedPath> {
    const parts = this.lexicalParts(requested);
    let current = this.root;
    for (let index = 0; index < parts.length; index++) {
      const next = join(current, parts[index] ?? '');
      let real: string;
      try {
        const info = await lstat(next);
        real = info.isSymbolicLink() ? await this.followLink(requested, next) : next;
      } catch (error) {
        if (error instanceof PathRefused) throw error;
        if (!isMissing(error)) throw error;
        // Components that do not exist yet cannot be symlinks: the rest is plain names.
        const abs = join(current, ...parts.slice(index));
        return { rel: this.checkInside(requested, abs), abs };
      }
      this.checkInside(requested, real);
      current = real;
    }
    return { rel: this.checkInside(requested, current), abs: current };
  }

  private lexicalParts(requested: string): string[] {
    if (typeof requested !== 'string') throw new PathRefused(String(requested), 'not a string');
    if (requested.includes('\0')) throw new PathRefused(requested, 'contains a NUL byte');
    if (requested.startsWith('~')) throw new PathRefused(requested, 'home-relative paths are not allowed');
    if (isAbsolute(requested) || /^[a-zA-Z]:[\\/]/.test(requested) || requested.startsWith('\\')) {
      throw new PathRefused(requested, 'absolute paths are not allowed; use a path relative to the worktree');
    }
    const parts = requested.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
    if (parts.includes('..')) throw new PathRefused(requested, '".." is not allowed');
    if (parts.some((part) => part.toLowerCase() === '.git')) {
      throw new PathRefused(requested, 'the .git folder is off limits');
    }
    return parts;
  }

  private async followLink(requested: string, link: string): Promise<string> {
    try {
      return await realpath(link);
    } catch (error) {
      if (isMissing(error)) throw new PathRefused(requested, 'it is a symlink whose target does not exist');
      throw error;
    }
  }

  private checkInside(requested: string, abs: string): string {
    const rel = relative(this.root, abs);
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new PathRefused(requested, 'it resolves outside the worktree');
    }
    const parts = rel.split(sep);
    if (parts[0]?.toLowerCase() === '.git') throw new PathRefused(requested, 'the .git folder is off limits');
    return parts.filter((part) => part !== '').join('/');
  }
}
