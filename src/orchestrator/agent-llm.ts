import { SharedMemory, type AgentLlm } from '../agent/index.js';
import type { RunEvent } from '../events.js';
import type { Llm, ResolvedModel } from '../llm/index.js';
import { costOf } from '../llm/index.js';
import type { MaestroConfig } from '../config/schema.js';

/**
 * The model side of each task's built-in agent, from the one LLM service of the run (shared
 * limiter, retries, budget, pricing): every call is made by the orchestrator, never by an agent.
 */
export function agentLlmFor(llm: Llm, resolved: ResolvedModel, config: MaestroConfig, runId: string) {
  return (taskId: string): AgentLlm => ({
    streamer: llm.forTask(taskId, resolved.name),
    providerName: resolved.provider,
    model: resolved.name,
    costOf: (usage) => costOf(resolved.name, usage, config.pricing, resolved.provider).usd,
    cacheKey: runId,
  });
}

/** Shared memory of a resumed run, seeded with the findings its journal already holds. */
export function memoryFromEvents(events: readonly RunEvent[]): SharedMemory {
  return new SharedMemory(
    events.flatMap((e) =>
      e.type === 'finding.published'
        ? [{ taskId: e.taskId, agentId: e.agentId, time: e.time, text: e.text, files: e.files, tags: e.tags }]
        : [],
    ),
  );
}
