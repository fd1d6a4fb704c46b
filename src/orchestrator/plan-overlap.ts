import picomatch from 'picomatch';
import type { Plan } from './plan.js';
import { ancestorsOf, topologicalOrder } from './plan-validate.js';
import { globMatcher } from './repo-files.js';

export interface OverlapPair {
  /** The task that comes first in dependency order. */
  a: string;
  b: string;
  /** Tracked files both tasks expect to touch, or the shared globs when they match no tracked file yet. */
  files: string[];
}

/**
 * Tasks that expect to touch the same files and do not depend on each other (even transitively):
 * they would run in parallel and likely conflict. Globs are compared through the tracked files they
 * match; globs matching no tracked file (new files) are compared with each other.
 */
export function predictOverlaps(plan: Plan, trackedFiles: readonly string[]): OverlapPair[] {
  const order = topologicalOrder(plan);
  const touched = new Map(
    order.map((task) => {
      const matches = globMatcher(task.files);
      return [task.id, new Set(trackedFiles.filter((path) => matches(path)))];
    }),
  );
  const ancestors = new Map(order.map((task) => [task.id, ancestorsOf(plan, task.id)]));
  const pairs: OverlapPair[] = [];
  order.forEach((a, i) => {
    for (const b of order.slice(i + 1)) {
      if (ancestors.get(b.id)?.has(a.id) || ancestors.get(a.id)?.has(b.id)) continue;
      const ofB = touched.get(b.id) ?? new Set<string>();
      const shared = [...(touched.get(a.id) ?? [])].filter((path) => ofB.has(path));
      const files = shared.length > 0 ? shared.sort() : untrackedGlobOverlap(a.files, b.files);
      if (files.length > 0) pairs.push({ a: a.id, b: b.id, files });
    }
  });
  return pairs;
}

/** Make the later task of every overlapping pair depend on the earlier one (never creates a cycle). */
export function serializeOverlaps(plan: Plan, pairs: readonly OverlapPair[]): Plan {
  const extra = new Map<string, string[]>();
  for (const pair of pairs) extra.set(pair.b, [...(extra.get(pair.b) ?? []), pair.a]);
  return {
    ...plan,
    tasks: plan.tasks.map((task) => {
      const added = (extra.get(task.id) ?? []).filter((dep) => !task.dependsOn.includes(dep));
      return added.length === 0 ? task : { ...task, dependsOn: [...task.dependsOn, ...new Set(added)] };
    }),
  };
}

/** Globs equal to each other, or a literal path of one matched by a glob of the other. */
function untrackedGlobOverlap(a: readonly string[], b: readonly string[]): string[] {
  const shared = new Set<string>();
  for (const x of a) {
    for (const y of b) {
      if (x === y) shared.add(x);
      else if (!picomatch.scan(x).isGlob && picomatch.isMatch(x, y, { dot: true })) shared.add(x);
      else if (!picomatch.scan(y).isGlob && picomatch.isMatch(y, x, { dot: true })) shared.add(y);
    }
  }
  return [...shared].sort();
}
