/** The run that bench/tui.ts and bench/tui-frame.tsx show: N agents, each streaming like a working agent. */
import type { RunEventBody } from '../src/events.js';

export function agentIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `agent-${String(i + 1).padStart(2, '0')}`);
}

/** The run started, its plan, and every agent started in its worktree. */
export function runStart(agents: readonly string[]): RunEventBody[] {
  const tasks = agents.map((id) => ({
    id,
    title: `Work on ${id}`,
    instructions: 'x',
    files: [],
    dependsOn: [],
  }));
  const bodies: RunEventBody[] = [
    {
      type: 'run.started',
      objective: 'bench',
      repo: '/tmp',
      baseRef: 'main',
      baseCommit: 'b'.repeat(40),
      resultBranch: 'maestro/bench/result',
      maxAgents: agents.length,
      model: 'gpt-4o',
      provider: 'openai',
      budget: { runUsd: 10, taskUsd: null },
      pid: 1,
    },
    { type: 'plan.ready', plan: { objective: 'bench', tasks }, source: 'llm' },
  ];
  for (const id of agents) {
    bodies.push({
      type: 'task.started',
      taskId: id,
      agentId: id,
      branch: `b/${id}`,
      worktree: `/tmp/${id}`,
      baseCommit: 'b',
      attempt: 1,
    });
    bodies.push({ type: 'task.worktree_ready', taskId: id, worktree: `/tmp/${id}`, ms: 1 });
  }
  return bodies;
}

/** Event n of the load, round robin over the agents: mostly streamed tokens, some tool calls, edits and usage. */
export function loadEvent(agents: readonly string[], n: number): RunEventBody {
  const taskId = agents[n % agents.length] ?? 'agent-01';
  // Each agent's own sequence: per 40 of its events, one tool call, its result, an edit and a usage report.
  const kind = Math.floor(n / agents.length) % 40;
  if (kind === 0)
    return {
      type: 'agent.tool_call',
      taskId,
      callId: `c${n}`,
      name: 'read_file',
      args: { path: `src/f${n % 97}.ts` },
    };
  if (kind === 1)
    return {
      type: 'agent.tool_result',
      taskId,
      callId: `c${n - agents.length}`,
      name: 'read_file',
      ok: true,
      output: 'export const x = 1;\n'.repeat(20),
    };
  if (kind === 2)
    return { type: 'agent.files_changed', taskId, files: [{ path: `src/f${n % 97}.ts`, kind: 'change' }] };
  if (kind === 3) {
    return {
      type: 'agent.usage',
      taskId,
      model: 'gpt-4o',
      provider: 'openai',
      usage: { inputTokens: 900, cachedInputTokens: 100, cacheWriteTokens: 0, outputTokens: 60 },
      costUsd: 0.004,
    };
  }
  return { type: 'agent.text', taskId, text: `tok${n % 1000} ` };
}
