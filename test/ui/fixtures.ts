import type { RunEvent, RunEventBody } from '../../src/events.js';
import type { EventSource, RunCommand, RunControl } from '../../src/ui/run-control.js';
import { controlFromSender } from '../../src/ui/run-control.js';
import type { Plan } from '../../src/orchestrator/plan.js';

/** Numbers events like the journal does: seq from 1, one second apart from a minute ago. */
export function eventFactory(runId = 'run-1', start = Date.now() - 60_000) {
  let seq = 0;
  return (body: RunEventBody, atSecond?: number): RunEvent => {
    seq += 1;
    const time = new Date(start + (atSecond ?? seq) * 1000).toISOString();
    return { ...body, seq, time, runId } as RunEvent;
  };
}

/** An in-memory EventSource the test pushes events into. */
export class MemorySource implements EventSource {
  readonly events: RunEvent[] = [];
  private readonly listeners = new Set<(event: RunEvent) => void>();
  constructor(initial: RunEvent[] = []) {
    this.events.push(...initial);
  }
  emit(...events: RunEvent[]): void {
    for (const event of events) {
      this.events.push(event);
      for (const listener of this.listeners) listener(event);
    }
  }
  history(): RunEvent[] {
    return [...this.events];
  }
  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** A RunControl that records what it was asked. */
export function recordingControl(): { control: RunControl; sent: RunCommand[] } {
  const sent: RunCommand[] = [];
  return {
    sent,
    control: controlFromSender(async (command) => {
      sent.push(command);
    }),
  };
}

export const plan: Plan = {
  objective: 'add a greeting feature',
  tasks: [
    {
      id: 'api',
      title: 'Add the greeting API',
      instructions: 'write src/api.ts',
      files: ['src/api.ts'],
      dependsOn: [],
    },
    {
      id: 'cli',
      title: 'Add a greet command',
      instructions: 'write src/cli.ts',
      files: ['src/cli.ts'],
      dependsOn: [],
    },
    {
      id: 'docs',
      title: 'Document greeting',
      instructions: 'update README.md',
      files: ['README.md'],
      dependsOn: ['api', 'cli'],
    },
  ],
};

/** A run with two agents working and one waiting: the usual dashboard picture. */
export function busyRun(runId = 'run-1'): RunEvent[] {
  const ev = eventFactory(runId);
  return [
    ev({
      type: 'run.started',
      objective: plan.objective,
      repo: '/repo',
      baseRef: 'main',
      baseCommit: 'b'.repeat(40),
      resultBranch: `maestro/${runId}/result`,
      maxAgents: 2,
      model: 'gpt-4o',
      provider: 'openai',
      budget: { runUsd: 5, taskUsd: null },
      pid: 1,
    }),
    ev({ type: 'plan.ready', plan, source: 'llm' }),
    ev({
      type: 'task.started',
      taskId: 'api',
      agentId: 'a1',
      branch: 'maestro/run-1/tasks/api',
      worktree: '/wt/api',
      baseCommit: 'b'.repeat(40),
      attempt: 1,
    }),
    ev({
      type: 'task.started',
      taskId: 'cli',
      agentId: 'a2',
      branch: 'maestro/run-1/tasks/cli',
      worktree: '/wt/cli',
      baseCommit: 'b'.repeat(40),
      attempt: 1,
    }),
    ev({ type: 'task.worktree_ready', taskId: 'api', worktree: '/wt/api', ms: 10 }),
    ev({ type: 'task.worktree_ready', taskId: 'cli', worktree: '/wt/cli', ms: 10 }),
    ev({ type: 'agent.text', taskId: 'api', text: 'Reading the code ' }),
    ev({ type: 'agent.text', taskId: 'api', text: 'base first.' }),
    ev({
      type: 'agent.tool_call',
      taskId: 'api',
      callId: 'c1',
      name: 'read_file',
      args: { path: 'src/index.ts' },
    }),
    ev({
      type: 'agent.tool_result',
      taskId: 'api',
      callId: 'c1',
      name: 'read_file',
      ok: true,
      output: 'line one\nline two\nline three',
    }),
    ev({ type: 'agent.files_changed', taskId: 'api', files: [{ path: 'src/api.ts', kind: 'add' }] }),
    ev({
      type: 'agent.usage',
      taskId: 'api',
      model: 'gpt-4o',
      provider: 'openai',
      usage: { inputTokens: 1200, cachedInputTokens: 300, cacheWriteTokens: 0, outputTokens: 400 },
      costUsd: 0.25,
    }),
    ev({
      type: 'finding.published',
      taskId: 'cli',
      agentId: 'a2',
      text: 'the CLI uses commander',
      files: ['src/cli.ts'],
      tags: [],
    }),
  ];
}

/**
 * A run of `count` agents (`t01`…): the first `running` of them running, then the failed, the
 * conflicted and the merged ones, the rest pending. Titles are "Task tNN".
 */
export function manyAgents(
  count: number,
  options: { running: number; failed?: number; conflicted?: number; merged?: number },
  runId = 'run-1',
): RunEvent[] {
  const ev = eventFactory(runId);
  const ids = Array.from({ length: count }, (_, i) => `t${String(i + 1).padStart(2, '0')}`);
  const events: RunEvent[] = [
    ev({
      type: 'run.started',
      objective: 'many agents',
      repo: '/repo',
      baseRef: 'main',
      baseCommit: 'b'.repeat(40),
      resultBranch: `maestro/${runId}/result`,
      maxAgents: count,
      model: 'gpt-4o',
      provider: 'openai',
      budget: { runUsd: 5, taskUsd: null },
      pid: 1,
    }),
    ev({
      type: 'plan.ready',
      plan: {
        objective: 'many agents',
        tasks: ids.map((id) => ({ id, title: `Task ${id}`, instructions: 'x', files: [], dependsOn: [] })),
      },
      source: 'llm',
    }),
  ];
  const ends = [
    ...Array.from({ length: options.failed ?? 0 }, () => 'failed' as const),
    ...Array.from({ length: options.conflicted ?? 0 }, () => 'conflicted' as const),
    ...Array.from({ length: options.merged ?? 0 }, () => 'merged' as const),
  ];
  for (const [index, id] of ids.slice(0, options.running + ends.length).entries()) {
    const worktree = `/wt/${id}`;
    const branch = `maestro/${runId}/tasks/${id}`;
    events.push(
      ev({ type: 'task.started', taskId: id, agentId: id, branch, worktree, baseCommit: 'b', attempt: 1 }),
      ev({ type: 'task.worktree_ready', taskId: id, worktree, ms: 1 }),
      ev({ type: 'agent.text', taskId: id, text: `working on ${id}` }),
    );
    const end = ends[index - options.running];
    if (end === 'failed') events.push(ev({ type: 'task.failed', taskId: id, reason: 'tests failed' }));
    if (end === 'merged')
      events.push(
        ev({ type: 'task.merged', taskId: id, commit: 'c', resultBranch: `maestro/${runId}/result` }),
      );
    if (end === 'conflicted')
      events.push(
        ev({
          type: 'task.conflicted',
          taskId: id,
          files: [{ path: 'README.md', kind: 'content', hunks: 1 }],
          taskCommit: 'c'.repeat(40),
          resultCommit: 'd'.repeat(40),
        }),
      );
  }
  return events;
}
