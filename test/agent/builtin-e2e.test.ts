import { realSandbox } from '../helpers/sandbox.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../src/agent/runner.js';
import { buildSharedPrefix, buildTaskMessage } from '../../src/agent/context/prompt.js';
import type { AgentEventBody } from '../../src/agent/events.js';
import { SharedMemory } from '../../src/agent/shared-memory.js';
import { configSchema } from '../../src/config/schema.js';
import { startFakeServer, type FakeScenario, type FakeServer } from '../../src/llm/fake/index.js';
import { createOpenAiProvider } from '../../src/llm/openai.js';
import { createRedactor } from '../../src/util/redact.js';
import { planSchema } from '../../src/orchestrator/plan.js';
import { tempWorktree } from './helpers.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()?.close();
});

const files = {
  'src/math.mjs': 'export function add(a, b) {\n  return a - b;\n}\n',
  'src/math.test.mjs': [
    "import { test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import { add } from './math.mjs';",
    "test('adds', () => assert.equal(add(2, 3), 5));",
    '',
  ].join('\n'),
};

const plan = planSchema.parse({
  objective: 'fix the maths',
  tasks: [
    { id: 't1', title: 'Fix add', instructions: 'Make add() add.', files: ['src/math.mjs'] },
    { id: 't2', title: 'Docs', instructions: 'Document add().', files: ['README.md'] },
  ],
});

const scenario: FakeScenario = {
  tokenLatencyMs: 0,
  rules: [
    {
      match: { turn: 0 },
      reply: { text: 'Looking around.', toolCalls: [{ name: 'list_files', arguments: {} }] },
    },
    {
      match: { turn: 1, toolResult: { name: 'list_files', content: 'src/math.mjs' } },
      reply: { toolCalls: [{ name: 'read_file', arguments: { path: 'src/math.mjs' } }] },
    },
    {
      match: { turn: 2, toolResult: { name: 'read_file', content: '2|   return a - b;' } },
      reply: {
        text: 'Found the bug.',
        toolCalls: [
          { name: 'edit_file', arguments: { path: 'src/math.mjs', search: 'a - b', replace: 'a + b' } },
          { name: 'publish_finding', arguments: { text: 'add() now adds', files: ['src/math.mjs'] } },
        ],
      },
    },
    {
      match: { turn: 3, toolResult: { name: 'edit_file', content: 'edited src/math.mjs' } },
      reply: { toolCalls: [{ name: 'run_command', arguments: { command: 'node --test' } }] },
    },
    {
      match: { turn: 4, toolResult: { name: 'run_command', content: 'exit code 0' } },
      reply: {
        toolCalls: [{ name: 'finish', arguments: { summary: 'Fixed add()', notes: 'add is now correct' } }],
      },
    },
  ],
  fallback: { text: 'unexpected request' },
};

describe('built-in agent end to end (fake OpenAI server, real SDK, real worktree, real host process)', () => {
  it('lists, reads, edits, runs the tests and finishes', async () => {
    const { repo, worktree } = await tempWorktree(files);
    const server = await startFakeServer(scenario, { port: 0 });
    servers.push(server);
    const config = configSchema.parse({ testFramework: 'node:test', agentLimits: { maxTurns: 10 } });
    const memory = new SharedMemory();
    const system = await buildSharedPrefix(repo, config);
    const taskMessage = buildTaskMessage({
      task: plan.tasks[0]!,
      plan,
      findings: memory.all(),
      dependencies: [],
      allowedCommands: ['node --test'],
    });
    const events: AgentEventBody[] = [];
    const handle = startAgent({
      runId: 'run1',
      taskId: 't1',
      agentId: 'a1',
      worktree,
      config,
      system,
      taskMessage,
      memory,
      sandbox: await realSandbox(worktree),
      emit: (body) => {
        events.push(body);
        // Another agent publishes while t1 works: t1 must see it at its next turn.
        if (body.type === 'agent.tool_call' && body.name === 'list_files') {
          memory.publish({ taskId: 't2', agentId: 'a2', text: 'README uses British spelling' });
        }
      },
      llm: {
        streamer: createOpenAiProvider({
          apiKey: 'test-key',
          baseURL: server.openaiBaseURL,
          redact: createRedactor({}),
        }),
        providerName: 'openai',
        model: 'gpt-4o',
        costOf: (usage) => usage.outputTokens * 0.001,
      },
      env: { ...process.env, OPENAI_API_KEY: 'sk-must-not-leak' },
    });
    const outcome = await handle.outcome;

    expect(outcome).toMatchObject({
      status: 'finished',
      summary: 'Fixed add()',
      notes: 'add is now correct',
      turns: 5,
    });
    expect(await readFile(join(worktree, 'src/math.mjs'), 'utf8')).toContain('return a + b;');
    const calls = events.filter((e) => e.type === 'agent.tool_call').map((e) => e.name);
    expect(calls).toEqual([
      'list_files',
      'read_file',
      'edit_file',
      'publish_finding',
      'run_command',
      'finish',
    ]);
    const results = events.filter((e) => e.type === 'agent.tool_result');
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.find((r) => r.name === 'run_command')?.output).toMatch(/pass 1\n/);
    expect(events.filter((e) => e.type === 'agent.usage')).toHaveLength(5);
    expect(events.filter((e) => e.type === 'agent.files_changed')).toEqual([
      { type: 'agent.files_changed', taskId: 't1', files: [{ path: 'src/math.mjs', kind: 'change' }] },
    ]);
    expect(outcome.usage.outputTokens).toBeGreaterThan(0);
    expect(outcome.costUsd).toBeCloseTo(outcome.usage.outputTokens * 0.001);
    expect(events.some((e) => e.type === 'agent.text' && e.text.includes('Found'))).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'agent.finished', taskId: 't1', summary: 'Fixed add()' });
    expect(events.find((e) => e.type === 'finding.published')).toEqual({
      type: 'finding.published',
      taskId: 't1',
      agentId: 'a1',
      text: 'add() now adds',
      files: ['src/math.mjs'],
      tags: [],
    });
    expect(memory.all().map((f) => f.taskId)).toEqual(['t2', 't1']);

    const bodies = server.requests.map((r) => r.body as { messages: { role: string; content: string }[] });
    expect(bodies).toHaveLength(5);
    // The shared prefix is byte-identical in every request; the other agent's finding arrives at turn 1.
    const systems = bodies.map((b) => JSON.stringify(b.messages[0]));
    expect(new Set(systems).size).toBe(1);
    expect(JSON.stringify(bodies[0])).not.toContain('British spelling');
    expect(JSON.stringify(bodies[1]!.messages.at(-1))).toContain('README uses British spelling');
    expect(server.requests.every((r) => r.body.prompt_cache_key === 'run1')).toBe(true);
  });
});
