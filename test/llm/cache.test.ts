import { describe, expect, it } from 'vitest';
import { collectLlm, fakeServer, llmFor, serviceRequest } from './helpers.js';
import type { SystemSegment, ToolSpec } from '../../src/llm/types.js';

const shared: SystemSegment[] = [
  { text: 'You are a maestro coding agent. Follow the tools contract.', cache: true },
  { text: 'Coding standards: strict TypeScript, small files.', cache: true },
  // Over claude-sonnet-4-6's 1,024-token minimum: a shorter prefix is never cached.
  { text: 'Repository overview: src/cli, src/llm, src/git. '.repeat(100), cache: true },
];
const tools: ToolSpec[] = ['list_files', 'read_file', 'edit_file', 'run_command', 'finish'].map((name) => ({
  name,
  description: `${name} tool`,
  parameters: { type: 'object', properties: { path: { type: 'string' } } },
}));

/** Five agents of one run: same prefix, own task text after it. */
function agentRequest(provider: 'openai' | 'anthropic', i: number) {
  return serviceRequest(provider, `Task ${i}: implement part ${i}`, {
    system: [...shared, { text: `Your task id is t${i}.` }],
    tools,
    cacheKey: 'run-123',
  });
}

describe('cache-friendly prefixes and the fan-out warm-up', () => {
  it('anthropic: byte-identical prefix with cache_control, one cache write then reads', async () => {
    const server = await fakeServer({
      rules: [{ reply: { text: 'on it, reading files now', latencyMs: 100, tokenLatencyMs: 5 } }],
    });
    const llm = llmFor(server);
    const runs = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => collectLlm(llm.stream(agentRequest('anthropic', i), { taskId: `t${i}` }))),
    );
    const bodies = server.requests.map((r) => r.body);
    const prefixes = bodies.map((b) => JSON.stringify([b.tools, (b.system as unknown[]).slice(0, 3)]));
    expect(new Set(prefixes).size).toBe(1);
    const system = bodies[0]!.system as { cache_control?: unknown }[];
    expect(system.map((s) => s.cache_control !== undefined)).toEqual([false, false, true, false]);
    const sentTools = bodies[0]!.tools as { cache_control?: unknown }[];
    expect(sentTools.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    const usages = runs.map((events) => events.at(-1)).map((e) => (e?.type === 'done' ? e.usage : undefined));
    expect(usages.filter((u) => u!.cacheWriteTokens > 0)).toHaveLength(1);
    expect(usages.filter((u) => u!.cachedInputTokens > 0)).toHaveLength(4);
    // The warmer went alone: every other request arrived after its first token (100 ms in).
    const [first, ...rest] = [...server.requests].sort((a, b) => a.time - b.time);
    expect(rest.every((r) => r.time >= first!.time + 95)).toBe(true);
    expect(server.stats.maxInFlight).toBeGreaterThan(1);
  });

  it('anthropic: cache reads cost less than the writes they replace', async () => {
    const server = await fakeServer({ rules: [{ reply: { text: 'ok' } }] });
    const llm = llmFor(server);
    const events = [];
    for (const i of [0, 1])
      events.push(...(await collectLlm(llm.stream(agentRequest('anthropic', i), { taskId: 'x' }))));
    const done = events.flatMap((e) => (e.type === 'done' ? [e] : []));
    expect(done[0]!.usage.cacheWriteTokens).toBe(done[1]!.usage.cachedInputTokens);
    expect(done[1]!.costUsd).toBeLessThan(done[0]!.costUsd);
    expect(done.every((d) => d.priceKnown)).toBe(true);
    expect(llm.budget.runSpent()).toBeCloseTo(done[0]!.costUsd + done[1]!.costUsd, 12);
  });

  it('openai: prompt_cache_key and identical leading messages; later agents read the cache', async () => {
    const server = await fakeServer({ rules: [{ reply: { text: 'on it', tokenLatencyMs: 10 } }] });
    const llm = llmFor(server);
    const runs = await Promise.all(
      [0, 1, 2].map((i) => collectLlm(llm.stream(agentRequest('openai', i), { taskId: `t${i}` }))),
    );
    for (const r of server.requests) {
      expect(r.body.prompt_cache_key).toBe('run-123');
      expect(r.body.stream_options).toEqual({ include_usage: true });
    }
    const systemTexts = server.requests.map((r) => (r.body.messages as { content: string }[])[0]!.content);
    const sharedText = shared.map((s) => s.text).join('\n\n');
    expect(systemTexts.every((t) => t.startsWith(sharedText))).toBe(true);
    const cached = runs.map((events) => {
      const done = events.at(-1);
      return done?.type === 'done' ? done.usage.cachedInputTokens : -1;
    });
    expect(cached.filter((c) => c > 0)).toHaveLength(2);
  });
});
