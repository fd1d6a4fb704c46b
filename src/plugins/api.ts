import type { MaestroConfig } from '../config/schema.js';
import type { Plan, Task } from '../orchestrator/plan.js';
import type { JsonSchema } from '../llm/types.js';

/**
 * What a plugin module exports (default export or `plugin`): a name plus any of templates, agent
 * tools and lifecycle hooks. Plugins get data and small capabilities passed in; they never import
 * maestro's internals, so a plugin keeps working across maestro versions.
 */
export interface MaestroPlugin {
  name: string;
  templates?: TaskTemplate[];
  tools?: PluginTool[];
  hooks?: PluginHooks;
}

/** A reusable workflow, used with `maestro run --template NAME`. */
export interface TaskTemplate {
  name: string;
  description: string;
  /** Used as the objective when `--task` is not given. */
  defaultObjective?: string;
  /** Extra guidance handed to the planner (and to every agent of the run). */
  guidance?: string;
  /** Fan out one task per matching file, as with `--each GLOB`, unless `--each` is given. */
  each?: string;
  /** Commands run after each task, added to the config's `validate`. */
  validate?: string[];
  /** A fixed plan shape computed from the repository (skips the LLM planner). null = nothing to do. */
  plan?: (context: TemplateContext) => Promise<PlanDraft | null>;
}

/** A plan as a template proposes it: ids, files and dependsOn may be left out. */
export interface PlanDraft {
  tasks: {
    id: string;
    title: string;
    instructions: string;
    files?: string[];
    dependsOn?: string[];
  }[];
}

export interface TemplateContext {
  /** Repository root (absolute). */
  root: string;
  /** The objective the user typed, or the template's default. */
  objective: string;
  /** Tracked files, relative, with `excludePaths` applied. */
  files: string[];
  config: MaestroConfig;
  readFile(path: string): Promise<string>;
  /** Runs a program (argument array, no shell) in the repository root; never throws on a non-zero exit. */
  exec(command: string, args: string[], options?: { timeoutMs?: number }): Promise<ExecResult>;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/**
 * A tool added to the built-in agent. The handler runs in the agent's child process; every path it
 * touches goes through `context.resolvePath`, the same guard as the built-in tools.
 */
export interface PluginTool {
  name: string;
  description: string;
  parameters: JsonSchema;
  handler: (args: Record<string, unknown>, context: ToolContext) => Promise<string>;
}

export interface ToolContext {
  worktree: string;
  /** Resolves a worktree-relative path, refusing anything that escapes the worktree. */
  resolvePath(path: string, intent: 'read' | 'write'): Promise<string>;
  /**
   * The files under a worktree-relative folder, as `list_files` sees them (relative paths, ignores
   * applied). Use it rather than walking folders yourself: it never follows a symlink out.
   */
  listFiles(folder: string): Promise<string[]>;
}

export interface HookTask {
  runId: string;
  task: Task;
  worktree?: string;
}

export interface PluginHooks {
  beforePlan?: (input: { runId: string; objective: string; root: string }) => void | Promise<void>;
  /** May return a changed plan. */
  afterPlan?: (input: { runId: string; plan: Plan }) => void | Plan | Promise<void | Plan>;
  beforeTask?: (input: HookTask) => void | Promise<void>;
  afterTask?: (
    input: HookTask & { status: 'finished' | 'failed' | 'stopped'; summary: string },
  ) => void | Promise<void>;
  afterMerge?: (input: HookTask & { commit: string }) => void | Promise<void>;
  afterRun?: (input: { runId: string; status: string; resultBranch: string }) => void | Promise<void>;
}

export type HookName = keyof PluginHooks;

/** Identity function that gives plugin authors types: `export default definePlugin({...})`. */
export function definePlugin(plugin: MaestroPlugin): MaestroPlugin {
  return plugin;
}
