import type { RunEvent } from '../../events.js';
import { initialRunState, reduceRun, type RunState } from '../../orchestrator/run-state.js';
import { duration, usd } from './summary.js';
import { inertJson, inertLine } from '../../util/terminal-text.js';

/**
 * The headless progress reporter: one line per meaningful event (never per token), with the
 * cost so far. A pure function of the state before and after each event.
 */
export function formatEventLine(event: RunEvent, after: RunState): string | undefined {
  const cost = `[${usd(after.costUsd)}]`;
  switch (event.type) {
    case 'run.started':
      return `run ${event.runId}: ${event.objective || 'started'} (base ${event.baseRef} ${event.baseCommit.slice(0, 8)}, up to ${event.maxAgents} agents, ${event.provider} ${event.model})${event.confinement === 'unconfined' ? ' — agents run UNCONFINED (sandbox off)' : ''}`;
    case 'run.resumed':
      return `run ${event.runId} resumed (pid ${event.pid})${event.confinement === 'unconfined' ? ' — agents run UNCONFINED (sandbox off)' : ''}`;
    case 'plan.ready':
      return `plan: ${event.plan.tasks.length} task(s) from ${event.source}${event.costUsd ? ` ${cost}` : ''}`;
    case 'plan.overlaps':
      return `overlaps: ${event.pairs.map((p) => `${p.a} & ${p.b} (${p.files.join(', ')})`).join('; ')}${event.serialized ? ' — serialized' : ' — they may conflict (use --serialize-overlaps to chain them)'}`;
    case 'task.started':
      return `${event.taskId}: started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`;
    case 'agent.finished':
      return `${event.taskId}: agent finished: ${firstLine(event.summary)} ${cost}`;
    case 'task.validated':
      return event.ok
        ? undefined
        : `${event.taskId}: validation failed: ${event.command} (exit ${event.exitCode ?? 'signal'})`;
    case 'task.merged':
      return `${event.taskId}: merged ${event.commit.slice(0, 8)} ${cost}${byStructure(event.structured)}`;
    case 'task.conflicted':
      return `${event.taskId}: CONFLICT in ${event.files.map((f) => f.path).join(', ')} — waits for review${byStructure(event.structured)}`;
    case 'task.failed':
      return `${event.taskId}: FAILED: ${event.reason}`;
    case 'task.blocked':
      return `${event.taskId}: blocked by ${event.by.join(', ')}`;
    case 'task.stopped':
      return `${event.taskId}: stopped: ${event.reason}`;
    case 'task.retried':
      return `${event.taskId}: will run again`;
    case 'conflict.resolved':
      return `${event.taskId}: conflict resolved ${event.commit.slice(0, 8)}`;
    case 'budget.exceeded':
      return `budget: ${event.scope === 'task' ? `task ${event.taskId}` : 'run'} reached ${usd(event.spentUsd)} of ${usd(event.limitUsd)}`;
    case 'budget.changed':
      return `budget: run cap ${cap(event.budget.runUsd)}, task cap ${cap(event.budget.taskUsd)} from now on (${usd(event.spentUsd)} spent)`;
    case 'run.stopping':
      return `stopping: ${event.reason}`;
    case 'run.finished':
      return `run ${event.status} after ${duration(event.durationMs)} ${cost}`;
    case 'log':
      return event.level === 'info' ? undefined : `${event.level}: ${event.message}`;
    case 'task.worktree_ready':
    case 'agent.text':
    case 'agent.tool_call':
    case 'agent.tool_result':
    case 'agent.usage':
    case 'agent.files_changed':
    case 'finding.published':
    case 'task.committed':
    case 'task.validating':
    case 'task.merging':
    case 'task.paused':
    case 'task.resumed':
    case 'conflict.pick':
      return undefined;
    case 'radar.overlaps':
      return event.pairs.length === 0
        ? 'radar: no running agents overlap now'
        : `radar: ${event.pairs.map((p) => `${p.a} & ${p.b} are changing the same lines (${p.files.join(', ')})`).join('; ')}`;
  }
}

const cap = (limit: number | null): string => (limit === null ? 'none' : usd(limit));

/** A listener for the journal's bus that writes progress lines. */
export function createLineReporter(write: (line: string) => void): (event: RunEvent) => void {
  let state: RunState | undefined;
  return (event) => {
    state = reduceRun(state ?? initialRunState(event.runId), event);
    const line = formatEventLine(event, state);
    if (line !== undefined) write(`${inertLine(line)}\n`);
  };
}

/** `--json`: every event as one JSON line (NDJSON), as journaled. */
export function createJsonReporter(write: (line: string) => void): (event: RunEvent) => void {
  return (event) => write(`${inertJson(JSON.stringify(event))}\n`);
}

function byStructure(files: string[] | undefined): string {
  return files?.length ? ` (merged by structure: ${files.join(', ')})` : '';
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
