import picomatch from 'picomatch';
import { git } from '../git/runner.js';

/** Every tracked file of the repository at `cwd` (paths relative to its top level). */
export async function listTrackedFiles(cwd: string): Promise<string[]> {
  const { stdout } = await git(['ls-files', '-z', '--full-name'], { cwd });
  return stdout.split('\0').filter((path) => path !== '');
}

/** A matcher for a list of globs (dotfiles included, as git tracks them). */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  return picomatch([...globs], { dot: true });
}
