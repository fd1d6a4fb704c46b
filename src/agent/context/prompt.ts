import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type { MaestroConfig } from '../../config/schema.js';
import { ConfigError } from '../../errors.js';
import type { SystemSegment } from '../../llm/types.js';
import type { Plan, Task } from '../../orchestrator/plan.js';
import { formatFindings, type Finding } from '../shared-memory.js';
import { buildRepoOverview } from './overview.js';

/** What every agent is told first; identical bytes across agents so providers can cache it. */
export const agentSystemPrompt = `You are one of several coding agents working in parallel on the same repository. Each agent has its own git worktree and one task; maestro merges the finished tasks.

How to work:
- Use the tools: list_files, read_file and search to understand the code; write_file and edit_file to change it; run_command for the allowed commands (tests, validation).
- All paths are relative to your worktree root. You cannot leave the worktree or touch .git.
- Stay in your lane: change only what your task needs, preferably the files it names. Other agents are changing other parts; do not refactor, rename or reformat code outside your task.
- Prefer edit_file with a small unique search text over rewriting whole files.
- When you learn something other agents need (a changed signature, a convention, a pitfall), call publish_finding.
- Run the tests or validation commands if any are allowed, and fix what you broke.
- When done, call finish with a summary of what you changed and notes for tasks that depend on yours. Do not commit; maestro commits your worktree.`;

/**
 * Reads the coding standards file named in config (relative to the repository). Its text goes to the
 * model, so its real path (symlinks resolved) must be inside the repository: a config written by
 * anyone with commit access must not send ~/.ssh/id_rsa to a provider.
 */
export async function readCodingStandards(repoDir: string, file: string | null): Promise<string | null> {
  if (file === null) return null;
  const path = isAbsolute(file) ? file : join(repoDir, file);
  let real: string;
  let root: string;
  try {
    [real, root] = await Promise.all([realpath(path), realpath(repoDir)]);
  } catch {
    throw new ConfigError(`codingStandards file "${file}" cannot be read; fix the path or set it to null.`);
  }
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new ConfigError(
      `codingStandards file "${file}" is outside the repository (it resolves to ${real}); use a file inside it.`,
    );
  }
  try {
    return (await readFile(real, 'utf8')).trim();
  } catch {
    throw new ConfigError(`codingStandards file "${file}" cannot be read; fix the path or set it to null.`);
  }
}

/**
 * The byte-identical prefix every agent of a run shares (all segments cacheable): the system
 * prompt, the coding standards, and the repository overview at the run's base.
 */
export async function buildSharedPrefix(
  repoDir: string,
  config: Pick<MaestroConfig, 'codingStandards' | 'excludePaths'>,
): Promise<SystemSegment[]> {
  const segments: SystemSegment[] = [{ text: agentSystemPrompt, cache: true }];
  const standards = await readCodingStandards(repoDir, config.codingStandards);
  if (standards) segments.push({ text: `# Coding standards\n${standards}`, cache: true });
  segments.push({ text: await buildRepoOverview(repoDir, config.excludePaths), cache: true });
  return segments;
}

/** What a dependency did, for the tasks that build on it. */
export interface DependencyReport {
  taskId: string;
  title: string;
  summary: string;
  notes?: string;
  diffStat?: { files: number; insertions: number; deletions: number; paths?: string[] };
}

export interface TaskContext {
  task: Task;
  plan: Plan;
  findings: readonly Finding[];
  dependencies: readonly DependencyReport[];
  allowedCommands: readonly string[];
}

function section(title: string, body: string): string {
  return `## ${title}\n${body}`;
}

/** The per-task message that follows the shared prefix. */
export function buildTaskMessage(ctx: TaskContext): string {
  const { task, plan } = ctx;
  const parts = [`# Your task: ${task.title} (id ${task.id})`, task.instructions];
  if (task.files.length > 0) parts.push(section('Files you are expected to touch', task.files.join('\n')));
  if (plan.objective) parts.push(section('Overall objective', plan.objective));
  const others = plan.tasks.filter((t) => t.id !== task.id);
  if (others.length > 0) {
    const lines = others.map((t) => {
      const files = t.files.length > 0 ? ` — files: ${t.files.join(', ')}` : '';
      return `- ${t.id}: ${t.title}${files}`;
    });
    parts.push(section('Other agents are doing (not yours; stay out of their way)', lines.join('\n')));
  }
  if (ctx.dependencies.length > 0) {
    const reports = ctx.dependencies.map((d) => {
      const stat = d.diffStat
        ? `\n  changed ${d.diffStat.files} files (+${d.diffStat.insertions} −${d.diffStat.deletions})${d.diffStat.paths?.length ? `: ${d.diffStat.paths.join(', ')}` : ''}`
        : '';
      const notes = d.notes ? `\n  notes: ${d.notes}` : '';
      return `- ${d.taskId} (${d.title}): ${d.summary}${notes}${stat}`;
    });
    parts.push(section('Done before you (their work is in your worktree)', reports.join('\n')));
  }
  if (ctx.findings.length > 0) parts.push(section('Findings published so far', formatFindings(ctx.findings)));
  if (ctx.allowedCommands.length > 0) {
    parts.push(section('Commands you may run', ctx.allowedCommands.map((c) => `- ${c}`).join('\n')));
  }
  return parts.join('\n\n');
}

/** One text for external agent CLIs, which take a single prompt. */
export function renderPromptText(system: readonly SystemSegment[], taskMessage: string): string {
  return [...system.map((s) => s.text), taskMessage].join('\n\n');
}
