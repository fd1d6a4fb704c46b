import { afterEach, describe, expect, it, vi } from 'vitest';
import { runBuiltinAgent, type BuiltinAgentOptions } from '../../src/agent/builtin.js';
import type { AgentEventBody } from '../../src/agent/events.js';
import { PauseGate } from '../../src/agent/pause-gate.js';
import { SharedMemory } from '../../src/agent/shared-memory.js';
import type { ToolOutcome } from '../../src/agent/tools/context.js';
import { startFakeServer, type FakeScenario, type FakeServer } from '../../src/llm/fake/index.js';
import { createAnthropicProvider } from '../../src/llm/anthropic.js';
import { createOpenAiProvider } from '../../src/llm/openai.js';
import { createRedactor } from '../../src/util/redact.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()?.close();
});

async function setup(scenario: FakeScenario, overrides: Partial<BuiltinAgentOptions> = {}) {
  const server = await startFakeServer({ tokenLatencyMs: 0, ...scenario }, { port: 0 });
  servers.push(server);
  const executed: { name: string; args: unknown }[] = [];
  const events: AgentEventBody[] = [];
  const options: BuiltinAgentOptions = {
    taskId: 't1',
    agentId: 'a1',
    llm: createOpenAiProvider({ apiKey: 'k', baseURL: server.openaiBaseURL, redact: createRedactor({}) }),
    providerName: 'openai',
    model: 'gpt-4o',
    system: [{ text: 'You are an agent.', cache: true }],
    taskMessage: 'Do the thing.',
    tools: {
      call: (name, args): Promise<ToolOutcome> => {
        executed.push({ name, args });
        return Promise.resolve({ ok: true, output: `did ${name}` });
      },
    },
    allowedCommands: [],
    memory: new SharedMemory(),
    emit: (body) => events.push(body),
    maxTurns: 10,
    maxToolCallsPerTurn: 50,
    maxToolCallsPerTask: 1000,
    ...overrides,
  };
  return { server, executed, events, options };
}

const finishRule = {
  match: { anyMessage: 'nothing was executed' },
  reply: { toolCalls: [{ name: 'finish', arguments: { summary: 'gave up' } }] },
};

describe('built-in agent loop', () => {
  it('runs at most maxToolCallsPerTurn calls of a turn and stops at maxToolCallsPerTask', async () => {
    const flood = Array.from({ length: 10_000 }, (_, i) => ({
      name: 'read_file',
      id: `c${i}`,
      arguments: { path: `f${i}.ts` },
    }));
    const { executed, options } = await setup({ rules: [{ reply: { toolCalls: flood } }] });
    const outcome = await runBuiltinAgent(options);
    expect(executed).toHaveLength(50);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/10000 tool calls .*maxToolCallsPerTask is 1000/);
  });

  it('counts calls across turns against maxToolCallsPerTask', async () => {
    const three = [0, 1, 2].map((i) => ({ name: 'read_file', arguments: { path: `f${i}.ts` } }));
    const { executed, options } = await setup(
      { rules: [{ reply: { toolCalls: three } }] },
      { maxToolCallsPerTask: 7 },
    );
    const outcome = await runBuiltinAgent(options);
    // Turns ask for 3, 3, 3: the third turn may run only one more call before the limit.
    expect(executed).toHaveLength(7);
    expect(outcome.reason).toMatch(/9 tool calls/);
  });

  it('never executes malformed calls and returns the error with the schema', async () => {
    const { server, executed, options } = await setup({
      rules: [
        {
          match: { turn: 0 },
          reply: {
            toolCalls: [
              { name: 'edit_file', rawArguments: '{"path": "a.ts"' },
              { name: 'delete_everything', arguments: {} },
              { name: 'read_file', arguments: { path: 5 } },
              { name: 'write_file', arguments: { path: 'a.ts', content: 'x', extra: true } },
              { name: 'run_command', arguments: { command: 'ls' } },
            ],
          },
        },
        finishRule,
      ],
    });
    const outcome = await runBuiltinAgent(options);
    expect(outcome).toMatchObject({ status: 'finished', summary: 'gave up', turns: 2 });
    expect(executed).toEqual([]);
    const messages = (server.requests[1]!.body as { messages: { role: string; content: string }[] }).messages;
    const results = messages.filter((m) => m.role === 'tool').map((m) => m.content);
    expect(results).toHaveLength(5);
    expect(results[0]).toMatch(/edit_file are not valid JSON .*nothing was executed.*"search"/s);
    expect(results[1]).toContain('Unknown tool "delete_everything"');
    expect(results[2]).toMatch(/Invalid arguments for read_file \(path: .*\).*"path":\{"type":"string"/s);
    expect(results[3]).toMatch(/Invalid arguments for write_file/);
    // run_command is not offered when config allows no commands.
    expect(results[4]).toContain('Unknown tool "run_command"');
  });

  it('ends a runaway agent at the turn limit', async () => {
    const { server, executed, options } = await setup(
      { rules: [{ reply: { toolCalls: [{ name: 'list_files', arguments: {} }] } }] },
      { maxTurns: 3 },
    );
    const outcome = await runBuiltinAgent(options);
    expect(outcome).toMatchObject({ status: 'failed', turns: 3 });
    expect(outcome.reason).toBe('the agent used all 3 turns without calling finish');
    expect(server.requests).toHaveLength(3);
    expect(executed).toHaveLength(3);
  });

  it('ends the agent when the token/cost cap callback says so', async () => {
    const { server, options } = await setup(
      { rules: [{ reply: { text: 'thinking', usage: { inputTokens: 1000, outputTokens: 500 } } }] },
      {
        costOf: (u) => u.outputTokens / 1000,
        overBudget: ({ costUsd }) => (costUsd >= 1 ? `task budget reached ($${costUsd.toFixed(2)})` : null),
      },
    );
    const outcome = await runBuiltinAgent(options);
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'task budget reached ($1.00)',
      turns: 2,
      costUsd: 1,
    });
    expect(server.requests).toHaveLength(2);
    // A turn without tool calls is answered with a nudge, not a silent retry.
    const messages = (server.requests[1]!.body as { messages: { role: string; content: string }[] }).messages;
    expect(messages.at(-1)?.content).toContain('You did not call a tool');
  });

  it('fails cleanly on a provider error', async () => {
    const { options } = await setup({
      rules: [{ fault: { type: 'status', status: 400, message: 'bad model' } }],
    });
    const outcome = await runBuiltinAgent(options);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/^the model request failed: /);
  });

  it('holds the next turn while paused, and stops when aborted', async () => {
    const gate = new PauseGate();
    const stopper = new AbortController();
    const { server, options } = await setup(
      { rules: [{ reply: { toolCalls: [{ name: 'list_files', arguments: {} }] } }] },
      { gate, signal: stopper.signal },
    );
    // Pause after every tool result: without a working gate the loop would race on to maxTurns.
    options.emit = (body) => {
      if (body.type === 'agent.tool_result') gate.pause();
    };
    const running = runBuiltinAgent(options);
    await vi.waitFor(() => expect(gate.paused).toBe(true));
    expect(server.requests).toHaveLength(1);
    gate.resume();
    await vi.waitFor(() => expect(server.requests.length).toBe(2));
    await vi.waitFor(() => expect(gate.paused).toBe(true));
    stopper.abort('user pressed s');
    const outcome = await running;
    expect(outcome).toMatchObject({ status: 'stopped', reason: 'user pressed s', turns: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it('sends the shared prefix as cacheable system blocks (Anthropic cache write, then reads)', async () => {
    const prefix = 'Shared prefix. '.repeat(400);
    const server = await startFakeServer(
      {
        tokenLatencyMs: 0,
        rules: [{ reply: { toolCalls: [{ name: 'finish', arguments: { summary: 'ok' } }] } }],
      },
      { port: 0 },
    );
    servers.push(server);
    const llm = createAnthropicProvider({
      apiKey: 'k',
      baseURL: server.anthropicBaseURL,
      redact: createRedactor({}),
    });
    const usages: number[][] = [];
    for (const taskId of ['t1', 't2']) {
      const { options } = await setup({ rules: [] });
      const outcome = await runBuiltinAgent({
        ...options,
        taskId,
        llm,
        providerName: 'anthropic',
        model: 'claude-sonnet-4-5',
        system: [{ text: prefix, cache: true }],
        taskMessage: `task ${taskId}`,
      });
      usages.push([outcome.usage.cacheWriteTokens, outcome.usage.cachedInputTokens]);
    }
    expect(usages[0]![0]).toBeGreaterThan(0);
    expect(usages[1]![1]).toBeGreaterThan(0);
    const systems = server.requests.map((r) => JSON.stringify(r.body.system));
    expect(systems[0]).toBe(systems[1]);
  });
});
