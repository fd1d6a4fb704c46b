import type { Plan, Task } from './plan.js';
import { globMatcher, listTrackedFiles } from './repo-files.js';
import { UsageError } from '../errors.js';

export interface EachOptions {
  glob: string;
  objective: string;
  excludePaths: readonly string[];
}

/** `--each GLOB`: one task per matching tracked file, no planner. */
export async function fanOutEach(repo: string, options: EachOptions): Promise<Plan> {
  // An unset shell variable (`--each "$GLOB"`) arrives as "": picomatch would throw a TypeError.
  if (options.glob.trim() === '') {
    throw new UsageError('--each needs a glob, e.g. --each "src/**/*.ts" (was the shell variable empty?)');
  }
  const files = selectEachFiles(await listTrackedFiles(repo), options.glob, options.excludePaths);
  if (files.length === 0) {
    throw new UsageError(
      `--each ${options.glob} matches no tracked file (excludePaths applied); check the glob against \`git ls-files\`.`,
    );
  }
  return planForFiles(files, options.objective);
}

export function selectEachFiles(
  tracked: readonly string[],
  glob: string,
  excludePaths: readonly string[],
): string[] {
  const included = globMatcher([glob]);
  const excluded = globMatcher(excludePaths);
  return tracked.filter((path) => included(path) && !excluded(path)).sort();
}

export function planForFiles(files: readonly string[], objective: string): Plan {
  const ids = new Set<string>();
  const tasks: Task[] = files.map((path) => {
    const id = uniqueId(taskIdFromPath(path), ids);
    ids.add(id);
    return {
      id,
      title: `${path}`,
      instructions: `${objective}\n\nApply this to the file \`${path}\` only; do not change other files.`,
      files: [path],
      dependsOn: [],
    };
  });
  return { objective, tasks };
}

const maxIdLength = 63;

/** A ref-safe task id from a path: lowercase letters, digits and single dashes. */
export function taskIdFromPath(path: string): string {
  const id = path
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxIdLength)
    .replace(/-+$/, '');
  return id === '' ? 'file' : id;
}

function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, maxIdLength - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
