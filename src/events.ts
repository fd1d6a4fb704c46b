import type { Plan } from './orchestrator/plan.js';
import type { Usage } from './llm/types.js';

/**
 * Every step of a run is one of these events. They are appended to the journal and published on
 * the in-process bus; the TUI, the headless reporters, `status`, `cost` and `resume` are functions
 * of this stream. Add a variant here rather than inventing a side channel.
 */
export type TaskState =
  | 'pending'
  | 'blocked'
  | 'starting'
  | 'running'
  | 'paused'
  | 'validating'
  | 'merging'
  | 'merged'
  | 'conflicted'
  | 'failed'
  | 'stopped';

export type FileChangeKind = 'add' | 'change' | 'unlink';

export interface ConflictSummary {
  path: string;
  kind: 'content' | 'add/add' | 'modify/delete' | 'rename' | 'binary' | 'mode';
  hunks: number;
}

export type RunEventBody =
  | {
      type: 'run.started';
      objective: string;
      repo: string;
      baseRef: string;
      baseCommit: string;
      resultBranch: string;
      maxAgents: number;
      model: string;
      provider: string;
      budget: { runUsd: number | null; taskUsd: number | null };
      pid: number;
      /** How agents' processes ran: in the OS sandbox, or unconfined (the user turned it off). Absent in older journals. */
      confinement?: 'sandboxed' | 'unconfined';
    }
  | { type: 'run.resumed'; pid: number; confinement?: 'sandboxed' | 'unconfined' }
  | {
      type: 'plan.ready';
      plan: Plan;
      source: 'llm' | 'file' | 'each' | 'template';
      /** What planning cost (source 'llm'); counted in the run's totals. */
      usage?: Usage;
      costUsd?: number;
    }
  | { type: 'plan.overlaps'; pairs: { a: string; b: string; files: string[] }[]; serialized: boolean }
  | {
      type: 'task.started';
      taskId: string;
      agentId: string;
      branch: string;
      worktree: string;
      baseCommit: string;
      attempt: number;
      /** The `maestro worker` that runs the task (queue executor); absent for this machine. */
      worker?: string;
    }
  | { type: 'task.worktree_ready'; taskId: string; worktree: string; ms: number }
  /** `kind: 'thinking'`: the model's visible reasoning, shown apart from what it says. */
  | { type: 'agent.text'; taskId: string; text: string; kind?: 'thinking' }
  | { type: 'agent.tool_call'; taskId: string; callId: string; name: string; args: unknown }
  | { type: 'agent.tool_result'; taskId: string; callId: string; name: string; ok: boolean; output: string }
  | { type: 'agent.usage'; taskId: string; model: string; provider: string; usage: Usage; costUsd: number }
  | {
      type: 'agent.files_changed';
      taskId: string;
      files: { path: string; kind: FileChangeKind }[];
      /** 'watcher' when the worktree watcher saw it; absent when the agent reported its own edit. */
      source?: 'watcher';
    }
  | { type: 'agent.finished'; taskId: string; summary: string }
  | {
      type: 'finding.published';
      taskId: string;
      agentId: string;
      text: string;
      files: string[];
      tags: string[];
    }
  | {
      type: 'task.committed';
      taskId: string;
      commit: string;
      files: number;
      insertions: number;
      deletions: number;
    }
  | { type: 'task.validating'; taskId: string; command: string; attempt: number }
  /** The task's work is done and committed: it waits for its turn to merge, its worktree no longer its own. */
  | { type: 'task.merging'; taskId: string }
  | {
      type: 'task.validated';
      taskId: string;
      command: string;
      ok: boolean;
      exitCode: number | null;
      output: string;
    }
  | {
      type: 'task.merged';
      taskId: string;
      commit: string;
      resultBranch: string;
      /** Files git conflicted on that the structured merge settled (`merge.structured`). */
      structured?: string[];
    }
  | {
      type: 'task.conflicted';
      taskId: string;
      files: ConflictSummary[];
      taskCommit: string;
      resultCommit: string;
      /** Files of this merge the structured merge settled; the rest (`files`) await review. */
      structured?: string[];
    }
  | { type: 'task.failed'; taskId: string; reason: string }
  | { type: 'task.blocked'; taskId: string; by: string[] }
  | { type: 'task.paused'; taskId: string }
  | { type: 'task.resumed'; taskId: string }
  | { type: 'task.stopped'; taskId: string; reason: string }
  | { type: 'task.retried'; taskId: string }
  | { type: 'conflict.pick'; taskId: string; path: string; hunk: number; pick: string }
  | { type: 'conflict.resolved'; taskId: string; commit: string; resolvedBy: string }
  | { type: 'radar.overlaps'; pairs: { a: string; b: string; files: string[] }[] }
  | { type: 'budget.exceeded'; scope: 'run' | 'task'; taskId?: string; limitUsd: number; spentUsd: number }
  /** New caps from here on (`maestro resume --budget`); `spentUsd` is the run's spend when they took effect. */
  | { type: 'budget.changed'; budget: { runUsd: number | null; taskUsd: number | null }; spentUsd: number }
  | { type: 'run.stopping'; reason: string }
  | {
      type: 'run.finished';
      status: 'merged' | 'failed' | 'conflicts' | 'stopped';
      merged: string[];
      failed: string[];
      conflicted: string[];
      costUsd: number;
      durationMs: number;
    }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export type RunEventType = RunEventBody['type'];

/** An event as journaled: the body plus its position and time. */
export type RunEvent = RunEventBody & { seq: number; time: string; runId: string };

export type EventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;
