import type { Plan, Task } from '../orchestrator/plan.js';
import type { RunState } from '../orchestrator/run-state.js';
import type { MergeCredits } from '../orchestrator/task-merge.js';
import type { TaskContext } from '../orchestrator/scheduler.js';
import type { MaestroConfig } from '../config/schema.js';
import type { SystemSegment } from '../llm/types.js';
import type { MaestroPlugin } from '../plugins/api.js';
import type { Confiner } from '../sandbox/run.js';

import type { AgentProcessRecords } from '../orchestrator/agent-processes.js';
import type { PluginToolRef } from '../agent/tools/plugin-tools.js';
import type {
  AgentHandle,
  AgentLlm,
  MemoryMcpServer,
  SharedMemory,
  StartAgentOptions,
} from '../agent/index.js';

/**
 * What a task's work came to where it ran (a local worktree, or a worker's): `done` means its
 * branch holds the committed, validated work at `head`, ready to merge into the result branch.
 */
export type WorkOutcome =
  | {
      kind: 'done';
      head: string;
      worktree: string;
      credits: MergeCredits;
      /**
       * Where the work keeps its worktree for the landing (a pool): call it once the landing
       * decided. `merged` frees the worktree for the next task; `kept` leaves it for review.
       */
      release?: (landed: Landed) => Promise<void>;
    }
  | { kind: 'failed'; reason: string }
  | { kind: 'stopped'; reason: string };

/** How a task's landing ended, for the worktree its work used. */
export type Landed = 'merged' | 'kept';

/** Does a task's work (worktree, agent, validation, snapshot commits) and says how it ended. */
export type TaskWork = (task: Task, ctx: TaskContext) => Promise<WorkOutcome>;

/** A task work that holds something across tasks (recycled worktrees) frees it in `close`, after the last task. */
export type PooledTaskWork = TaskWork & { close(): Promise<void> };

export interface TaskWorkDeps {
  /** The repository's toplevel (read only; worktrees live under `worktreeRoot`). */
  repo: string;
  runId: string;
  plan: Plan;
  config: MaestroConfig;
  worktreeRoot: string;
  /** Agent slots: how many worktrees the run keeps for recycling (default: config `maxAgents`). */
  slots?: number;
  /** The shared, cacheable prefix every agent gets (`buildSharedPrefix`). */
  sharedPrefix: SystemSegment[];
  memory: SharedMemory;
  /** The model side of a task's built-in agent (one per task: limiter, budget, pricing); external CLIs bring their own. */
  llmFor?: (taskId: string) => AgentLlm;
  /** The `--agent` override. */
  agent?: MaestroConfig['agent'];
  env?: NodeJS.ProcessEnv;
  /** Confines every process started for an agent: commands, validation, hooks, setup, external CLIs. */
  sandbox: Confiner;
  /** Current run state, for dependency reports (summaries of the tasks this one builds on). */
  state: () => RunState;
  startAgent?: (options: StartAgentOptions) => AgentHandle;
  /** Plugins whose beforeTask/afterTask/afterMerge hooks run for each task. */
  plugins?: readonly MaestroPlugin[];
  /** Tools plugins add to the built-in agent. */
  pluginTools?: readonly PluginToolRef[];
  /** Where the process groups of running external agents are recorded (the run folder), for `resume`. */
  agentProcesses?: AgentProcessRecords;

  /** The run's MCP server for external agent CLIs' shared memory (created by the caller, closed after the run). */
  memoryServer?: MemoryMcpServer;
}
