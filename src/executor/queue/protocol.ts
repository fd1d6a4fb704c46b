import type { Plan, Task } from '../../orchestrator/plan.js';
import type { MaestroConfig } from '../../config/schema.js';
import type { SystemSegment } from '../../llm/types.js';
import type { RunEventBody } from '../../events.js';
import type { Finding, DependencyReport } from '../../agent/index.js';
import type { WorkOutcome } from '../types.js';

/**
 * What travels through Redis between the orchestrator and `maestro worker`. Nothing here holds a
 * credential: API keys and git credentials stay in the workers' environment. The queue is trusted
 * (a job names commands a worker runs), so Redis must be private: ACLs and TLS (docs/distributed.md).
 */
export const protocolVersion = 1;

/** BullMQ's key prefix for maestro's queues (keys look like `maestro:<queue>:<job>`). */
export const queuePrefix = 'maestro';

/** One task attempt as a BullMQ job's data. */
export interface TaskJob {
  v: typeof protocolVersion;
  runId: string;
  task: Task;
  /** The scheduler's attempt; BullMQ's own retries of this job add to it. */
  attempt: number;
  baseCommit: string;
  resultBranch: string;
  /** The git remote as the orchestrator names it (a worker's `--remote` takes precedence). */
  remote: string;
  plan: Plan;
  /** The run's config as the orchestrator resolved it; the worker keeps its own worktree folder. */
  config: MaestroConfig;
  /** The `--agent` override. */
  agent?: MaestroConfig['agent'];
  /** The built-in agent's model; null for external agent CLIs. */
  model: { model: string; provider: string } | null;
  sharedPrefix: SystemSegment[];
  /** Shared memory as the orchestrator knows it when the job is queued. */
  findings: Omit<Finding, 'seq'>[];
  dependencies: DependencyReport[];
  /** Queued again after Redis lost the job: an earlier attempt may have pushed the task branch. */
  requeued?: boolean;
}

/** The job's return value: the work's outcome (`done` means the head is pushed under tasks/). */
export type JobResult = WorkOutcome & { worker: string };

/** Refs of a run on the shared remote: never a user's branch. */
export const remoteRefs = {
  /** A base commit of the run (the run's base, or the result head a dependent starts from). */
  base: (runId: string, commit: string) => `refs/maestro/${runId}/bases/${commit}`,
  task: (runId: string, taskId: string) => `refs/maestro/${runId}/tasks/${taskId}`,
  /** Set with the last push of an attempt whose work is validated and ready to merge. */
  done: (runId: string, taskId: string, attempt: number) => `refs/maestro/${runId}/done/${attempt}/${taskId}`,
};

/** Redis keys of a run beside BullMQ's own. */
export const runKeys = {
  /** The run's event stream: entries `{job, kind: 'event' | 'end', body}` written by workers. */
  events: (runId: string) => `${queuePrefix}:run:${runId}:events`,
  /** The last stream id the orchestrator journaled (so `resume` neither loses nor repeats events). */
  cursor: (runId: string) => `${queuePrefix}:run:${runId}:cursor`,
  /** Hash taskId -> the job id of its latest attempt, for `resume` to re-adopt. */
  jobs: (runId: string) => `${queuePrefix}:run:${runId}:jobs`,
  /** Pub/sub channel of stop, pause and resume requests for the run's jobs. */
  control: (runId: string) => `${queuePrefix}:run:${runId}:control`,
  /** Set when a job must stop, for a worker that missed the pub/sub message. */
  stop: (runId: string, jobId: string) => `${queuePrefix}:run:${runId}:stop:${jobId}`,
};

/** Job ids are unique per enqueue; run ids and task ids have no `~`, and BullMQ refuses `:`. */
export function jobIdOf(runId: string, taskId: string, attempt: number, nonce: string): string {
  return `${runId}~${taskId}~${attempt}~${nonce}`;
}

export interface ControlMessage {
  jobId: string;
  action: 'stop' | 'pause' | 'resume';
  reason?: string;
}

/** A stream entry as the orchestrator reads it. */
export type StreamEntry =
  | { id: string; job: string; kind: 'event'; body: RunEventBody }
  | { id: string; job: string; kind: 'end'; body: JobResult };

/** Parse a stream entry's fields (`[k, v, k, v]`); anything else is skipped with a reason. */
export function parseEntry(id: string, fields: string[]): StreamEntry | string {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
  const job = map.get('job');
  const kind = map.get('kind');
  const raw = map.get('body');
  if (!job || (kind !== 'event' && kind !== 'end') || raw === undefined) return `malformed entry ${id}`;
  try {
    const body: unknown = JSON.parse(raw);
    if (typeof body !== 'object' || body === null) return `entry ${id} has no body`;
    return kind === 'event'
      ? { id, job, kind, body: body as RunEventBody }
      : { id, job, kind, body: body as JobResult };
  } catch {
    return `entry ${id} is not JSON`;
  }
}
