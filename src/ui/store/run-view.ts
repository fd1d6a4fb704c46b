import type { ConflictSummary, FileChangeKind, TaskState } from '../../events.js';

/** The dashboard's picture of a run: what the reducer in run-state.ts builds from events. */
/** How much the TUI keeps: enough to read back, bounded so a long run cannot grow memory. */
export const limits = { activity: 200, textChars: 4000, toolOutputChars: 2000, findings: 100, log: 50 };

export type ActivityEntry =
  | { kind: 'text'; text: string }
  | {
      kind: 'tool';
      callId: string;
      name: string;
      args: string;
      result?: { ok: boolean; output: string };
    }
  | { kind: 'files'; files: { path: string; kind: FileChangeKind }[] }
  | { kind: 'status'; text: string; tone: 'info' | 'good' | 'bad' };

export interface Tokens {
  input: number;
  cached: number;
  output: number;
}

export interface TaskView {
  id: string;
  title: string;
  dependsOn: string[];
  state: TaskState;
  attempt: number;
  /** The `maestro worker` running the agent (queue executor); absent on this machine. */
  worker?: string;
  branch?: string;
  worktree?: string;
  baseCommit?: string;
  startedAt?: number;
  endedAt?: number;
  filesChanged: ReadonlySet<string>;
  tokens: Tokens;
  costUsd: number;
  reason?: string;
  conflicts?: ConflictSummary[];
  activity: ActivityEntry[];
}

export interface Finding {
  seq: number;
  taskId: string;
  text: string;
  files: string[];
}

export interface RadarPair {
  a: string;
  b: string;
  files: string[];
}

export type RunPhase = 'waiting' | 'planning' | 'running' | 'stopping' | 'finished';

export interface RunView {
  runId?: string;
  objective: string;
  repo?: string;
  baseRef?: string;
  baseCommit?: string;
  resultBranch?: string;
  phase: RunPhase;
  finalStatus?: 'merged' | 'failed' | 'conflicts' | 'stopped';
  startedAt?: number;
  finishedAt?: number;
  budget: { runUsd: number | null; taskUsd: number | null };
  budgetExceeded: boolean;
  costUsd: number;
  tokens: Tokens;
  /** Task ids in plan order. */
  order: string[];
  tasks: ReadonlyMap<string, TaskView>;
  findings: Finding[];
  radar: RadarPair[];
  log: { level: 'info' | 'warn' | 'error'; message: string }[];
  lastSeq: number;
}

export function initialRunView(): RunView {
  return {
    objective: '',
    phase: 'waiting',
    budget: { runUsd: null, taskUsd: null },
    budgetExceeded: false,
    costUsd: 0,
    tokens: { input: 0, cached: 0, output: 0 },
    order: [],
    tasks: new Map(),
    findings: [],
    radar: [],
    log: [],
    lastSeq: -1,
  };
}

export const activeStates: ReadonlySet<TaskState> = new Set([
  'starting',
  'running',
  'paused',
  'validating',
  'merging',
]);

export function isActive(task: TaskView): boolean {
  return activeStates.has(task.state);
}

/** Task ids named by the radar for this task, i.e. the agents whose edits overlap its own. */
export function radarPartners(view: RunView, taskId: string): string[] {
  const partners: string[] = [];
  for (const pair of view.radar) {
    if (pair.a === taskId) partners.push(pair.b);
    else if (pair.b === taskId) partners.push(pair.a);
  }
  return partners;
}

export function progress(view: RunView): { done: number; total: number } {
  let done = 0;
  for (const task of view.tasks.values()) if (task.state === 'merged') done += 1;
  return { done, total: view.tasks.size };
}

export function activeCount(view: RunView): number {
  let count = 0;
  for (const task of view.tasks.values()) if (isActive(task)) count += 1;
  return count;
}
