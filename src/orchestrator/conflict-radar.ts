import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOverlaps, type OverlapPair } from '../git/overlap.js';
import { git } from '../git/runner.js';
import { captureWorktreeState } from '../git/worktree-snapshot-tree.js';

/** A task the radar compares: its id and its worktree. */
export interface RadarTask {
  id: string;
  worktree: string;
}

export interface ConflictRadarOptions {
  /** The repository (any checkout of it: objects are shared by all worktrees). */
  repo: string;
  /** The running tasks now, in a stable order (plan order). */
  running: () => RadarTask[];
  /** Called with the new set of pairs whenever it differs from the last one published. */
  publish: (pairs: OverlapPair[]) => Promise<void>;
  /** At most one check per interval; default 2 s. */
  intervalMs?: number;
  /** Quiet time after a change before a check, so a burst of writes costs one check; default 200 ms. */
  settleMs?: number;
  /** The pairs already shown (a resumed run's last radar), so a change back to them is not repeated. */
  initial?: OverlapPair[];
}

interface Snapshot {
  worktree: string;
  commit: string;
}

/**
 * The live conflict radar: each running task's worktree is captured as a commit (its index, HEAD
 * and branch untouched) and all pairs go through one `merge-tree` batch. A check runs only when a
 * running task's files changed since the last one, at most once per interval, only tasks that
 * changed a file another task changed too are captured, and a new set of pairs is published only
 * when it differs from the last.
 */
export class ConflictRadar {
  private readonly dirty = new Set<string>();
  /** Files each task changed (kept across attempts: a retried branch still holds the earlier work). */
  private readonly touched = new Map<string, Set<string>>();
  /** Tasks that changed files the radar was not told about. */
  private readonly unknown = new Set<string>();
  private readonly snapshots = new Map<string, Snapshot>();
  private published: OverlapPair[];
  private computed: OverlapPair[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<void> | undefined;
  private lastCheck = 0;
  private lastDuration = 0;
  private closed = false;
  private gitVersion: Promise<{ major: number; minor: number }> | undefined;
  // One private index per task, kept between checks: its stat cache makes the next capture cheap.
  private indexDir: Promise<string> | undefined;

  constructor(private readonly options: ConflictRadarOptions) {
    this.published = options.initial ?? [];
  }

  /**
   * A task's files changed: check again soon. `paths` are the files (relative to the worktree);
   * without them the task may have changed anything.
   */
  changed(taskId: string, paths?: readonly string[]): void {
    if (this.closed) return;
    if (paths === undefined) this.unknown.add(taskId);
    else {
      const touched = this.touched.get(taskId) ?? new Set<string>();
      for (const path of paths) touched.add(path);
      this.touched.set(taskId, touched);
    }
    this.dirty.add(taskId);
    this.schedule();
  }

  /**
   * The running tasks that can be in a pair: two agents conflict only in a file both changed, so a
   * task whose changed files no other task touched is neither captured nor compared.
   */
  private contenders(running: RadarTask[]): RadarTask[] {
    const changedAny = (id: string): boolean => this.unknown.has(id) || (this.touched.get(id)?.size ?? 0) > 0;
    const share = (a: string, b: string): boolean => {
      if (this.unknown.has(a) || this.unknown.has(b)) return true;
      const [small, large] = [this.touched.get(a), this.touched.get(b)].sort(
        (x, y) => (x?.size ?? 0) - (y?.size ?? 0),
      );
      return [...(small ?? [])].some((path) => large?.has(path));
    };
    const changing = running.filter((task) => changedAny(task.id));
    return changing.filter((task) => changing.some((other) => other !== task && share(task.id, other.id)));
  }

  /** A task left the running states: its pairs go at once, without asking git. */
  left(taskId: string): void {
    if (this.closed) return;
    this.dirty.delete(taskId);
    this.snapshots.delete(taskId);
    this.computed = this.computed.filter((pair) => pair.a !== taskId && pair.b !== taskId);
    void this.offer(this.computed);
  }

  /** Stops checking; waits for a check in flight so nothing is published afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    const dir = await this.indexDir?.catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  private schedule(): void {
    if (this.closed || this.timer || this.inFlight || this.dirty.size === 0) return;
    // A slow check (many dirty worktrees in a big repository) spaces the next one out: the radar
    // is busy at most about a third of the time, whatever the size.
    const interval = Math.max(this.options.intervalMs ?? 2000, 2 * this.lastDuration);
    const delay = Math.max(this.options.settleMs ?? 200, this.lastCheck + interval - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A failed check (e.g. no temp folder) is skipped; the next change tries again.
      this.inFlight = this.check()
        .catch(() => undefined)
        .finally(() => {
          this.lastDuration = Date.now() - this.lastCheck;
          this.inFlight = undefined;
          this.schedule();
        });
    }, delay);
    // The radar never keeps the process alive on its own.
    this.timer.unref();
  }

  private async check(): Promise<void> {
    this.lastCheck = Date.now();
    const dirty = new Set(this.dirty);
    this.dirty.clear();
    const running = this.contenders(this.options.running());
    const ids = new Set(running.map((task) => task.id));
    for (const id of this.snapshots.keys()) if (!ids.has(id)) this.snapshots.delete(id);
    if (running.length < 2) {
      this.computed = [];
      return this.offer([]);
    }
    let moved = false;
    for (const task of running) {
      const known = this.snapshots.get(task.id);
      if (known && known.worktree === task.worktree && !dirty.has(task.id)) continue;
      this.indexDir ??= mkdtemp(join(tmpdir(), 'maestro-radar-'));
      const indexFile = join(await this.indexDir, `${encodeURIComponent(task.id)}.index`);
      const next = await captureWorktreeState(task.worktree, { indexFile }).catch(() => undefined);
      if (this.closed) return;
      if (!next) this.snapshots.delete(task.id);
      else this.snapshots.set(task.id, { worktree: task.worktree, commit: next.commit });
      moved ||= next?.commit !== known?.commit;
    }
    if (!moved) return this.offer(this.computed.filter((p) => ids.has(p.a) && ids.has(p.b)));
    const branches = running.flatMap((task) => {
      const snapshot = this.snapshots.get(task.id);
      return snapshot ? [{ id: task.id, ref: snapshot.commit }] : [];
    });
    this.gitVersion ??= readGitVersion(this.options.repo);
    const pairs = await findOverlaps(this.options.repo, branches, await this.gitVersion).catch(
      () => this.computed,
    );
    this.computed = pairs;
    return this.offer(pairs);
  }

  /** Publish `pairs` (limited to tasks still running) when they differ from what was last published. */
  private async offer(pairs: OverlapPair[]): Promise<void> {
    if (this.closed) return;
    const ids = new Set(this.options.running().map((task) => task.id));
    const current = pairs.filter((pair) => ids.has(pair.a) && ids.has(pair.b));
    if (sameSet(current, this.published)) return;
    this.published = current;
    await this.options.publish(current).catch(() => undefined);
  }
}

function key(pairs: OverlapPair[]): string {
  return JSON.stringify(
    pairs.map((pair) => [pair.a, pair.b, [...pair.files].sort()].join('\0')).sort((x, y) => (x < y ? -1 : 1)),
  );
}

function sameSet(a: OverlapPair[], b: OverlapPair[]): boolean {
  return key(a) === key(b);
}

async function readGitVersion(cwd: string): Promise<{ major: number; minor: number }> {
  const out = (await git(['version'], { cwd })).stdout;
  const match = /(\d+)\.(\d+)/.exec(out);
  return { major: Number(match?.[1] ?? 0), minor: Number(match?.[2] ?? 0) };
}
