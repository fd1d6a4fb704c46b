import { describe, expect, it } from 'vitest';
import { runBuiltinAgent, type BuiltinAgentOptions } from '../../src/agent/builtin.js';
import type { AgentEventBody } from '../../src/agent/events.js';
import { SharedMemory } from '../../src/agent/shared-memory.js';
import type { ToolOutcome } from '../../src/agent/tools/context.js';
import type { FakeScenario } from '../../src/llm/fake/index.js';
import { createAnthropicProvider } from '../../src/llm/anthropic.js';
import { catalogFacts } from '../../src/llm/catalog.js';
import { createRedactor } from '../../src/util/redact.js';
import { fakeServer } from '../helpers/fake-server.js';

/** The built-in agent on the real Anthropic SDK against the strict fake server. */
async function setup(scenario: FakeScenario, model: string, overrides: Partial<BuiltinAgentOptions> = {}) {
  const server = await fakeServer(scenario);
  const events: AgentEventBody[] = [];
  const options: BuiltinAgentOptions = {
    taskId: 't1',
    agentId: 'a1',
    llm: createAnthropicProvider({
      apiKey: 'sk-ant-test',
      baseURL: server.anthropicBaseURL,
      redact: createRedactor({}),
      modelFacts: catalogFacts,
    }),
    providerName: 'anthropic',
    model,
    system: [{ text: 'You are an agent.', cache: true }],
    taskMessage: 'TASK: read the files.',
    tools: {
      call: (name): Promise<ToolOutcome> =>
        Promise.resolve({ ok: true, output: `${name} output: ${'line of file content\n'.repeat(600)}` }),
    },
    allowedCommands: [],
    memory: new SharedMemory(),
    emit: (body) => events.push(body),
    maxTurns: 10,
    maxToolCallsPerTurn: 50,
    maxToolCallsPerTask: 1000,
    ...overrides,
  };
  return { server, events, options };
}

const read = (turn: number) => ({
  match: { turn },
  reply: { toolCalls: [{ name: 'read_file', arguments: { path: `f${turn}.ts` } }] },
});
const finish = { reply: { toolCalls: [{ name: 'finish', arguments: { summary: 'read them all' } }] } };

describe('built-in agent: context management on a small-window model', () => {
  const scenario: FakeScenario = {
    rules: [read(0), read(1), read(2), read(3), read(4)],
    fallback: finish.reply,
  };
  const limits = { contextWindow: 8192, maxOutputTokens: 2048 };

  it('without it the conversation overflows the window and the API refuses the request', async () => {
    const { options } = await setup(scenario, 'maestro-test-small-claude');
    const outcome = await runBuiltinAgent(options);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/prompt is too long: \d+ tokens > 8192 maximum/);
  });

  it('old tool results are shortened, head and tail kept with a note, and the task finishes', async () => {
    const { server, events, options } = await setup(scenario, 'maestro-test-small-claude', {
      contextLimits: limits,
    });
    const outcome = await runBuiltinAgent(options);
    expect(outcome).toMatchObject({ status: 'finished', summary: 'read them all' });
    const last = JSON.stringify(server.requests.at(-1)!.body);
    expect(last).toContain('characters of this old tool result were cut');
    expect(last).toContain('TASK: read the files.');
    // The newest result is whole; the oldest keeps its head.
    expect(last).toContain('read_file output: line of file content');
    expect(events.some((e) => e.type === 'agent.text' && e.text.startsWith('context: shortened'))).toBe(true);
  });
});

describe('built-in agent: Anthropic stop reasons and thinking', () => {
  it('refusal ends the task with that reason, not "other"', async () => {
    const { options } = await setup(
      { rules: [{ reply: { text: 'I cannot help.', stopReason: 'refusal' } }] },
      'claude-sonnet-4-6',
    );
    const outcome = await runBuiltinAgent(options);
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringMatching(/refused.*refusal/) });
    expect(outcome.turns).toBe(1);
  });

  it('model_context_window_exceeded ends the task with that reason', async () => {
    const { options } = await setup(
      { rules: [{ reply: { text: 'Partial', stopReason: 'context_window' } }] },
      'claude-sonnet-4-6',
    );
    const outcome = await runBuiltinAgent(options);
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/context window.*model_context_window_exceeded/),
    });
  });

  it('pause_turn sends the paused turn back without a nudge, and the model goes on', async () => {
    const { server, options } = await setup(
      {
        rules: [
          { match: { turn: 0 }, reply: { text: 'Searching…', stopReason: 'pause_turn' } },
          { match: { turn: 1 }, ...finish },
        ],
      },
      'claude-sonnet-4-6',
    );
    const outcome = await runBuiltinAgent(options);
    expect(outcome).toMatchObject({ status: 'finished', turns: 2 });
    const messages = server.requests[1]!.body.messages as { role: string; content: { type: string }[] }[];
    // The second request ends on the paused assistant turn, thinking first, as it came.
    expect(messages.at(-1)!.role).toBe('assistant');
    expect(messages.at(-1)!.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(JSON.stringify(messages)).not.toContain('You did not call a tool');
  });

  it('thinking is shown and recorded apart from the text, and redacted thinking goes back as it came', async () => {
    const { server, events, options } = await setup(
      {
        rules: [
          {
            match: { turn: 0 },
            reply: {
              thinking: 'First I read f0.',
              redactedThinking: true,
              toolCalls: [{ name: 'read_file', arguments: { path: 'f0.ts' } }],
            },
          },
          { match: { turn: 1 }, ...finish },
        ],
      },
      'claude-sonnet-4-6',
    );
    const outcome = await runBuiltinAgent(options);
    expect(outcome.status).toBe('finished');
    expect(events).toContainEqual({
      type: 'agent.text',
      taskId: 't1',
      text: 'First I read f0.',
      kind: 'thinking',
    });
    const assistant = (
      server.requests[1]!.body.messages as { role: string; content: { type: string }[] }[]
    )[1]!;
    expect(assistant.content.map((b) => b.type)).toEqual(['thinking', 'redacted_thinking', 'tool_use']);
  });
});
