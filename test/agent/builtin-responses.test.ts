import { afterEach, describe, expect, it } from 'vitest';
import { runBuiltinAgent } from '../../src/agent/builtin.js';
import { SharedMemory } from '../../src/agent/shared-memory.js';
import type { ToolOutcome } from '../../src/agent/tools/context.js';
import { startFakeServer, type FakeServer } from '../../src/llm/fake/index.js';
import { createOpenAiProvider } from '../../src/llm/openai.js';
import { createRedactor } from '../../src/util/redact.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()?.close();
});

describe('built-in agent on the Responses API', () => {
  it('keeps a reasoning model tool-using across turns with nothing stored on the server', async () => {
    const server = await startFakeServer(
      {
        rules: [
          { match: { turn: 0 }, reply: { toolCalls: [{ name: 'read_file', arguments: { path: 'a.ts' } }] } },
          {
            match: { turn: 1 },
            reply: {
              text: 'Now the other one.',
              toolCalls: [{ name: 'read_file', arguments: { path: 'b.ts' } }],
            },
          },
          {
            match: { turn: 2 },
            reply: { toolCalls: [{ name: 'finish', arguments: { summary: 'edited a.ts' } }] },
          },
        ],
      },
      { port: 0 },
    );
    servers.push(server);
    const executed: string[] = [];
    const outcome = await runBuiltinAgent({
      taskId: 't1',
      agentId: 'a1',
      llm: createOpenAiProvider({
        apiKey: 'k',
        baseURL: server.openaiBaseURL,
        openaiApi: 'responses',
        redact: createRedactor({}),
      }),
      providerName: 'openai',
      model: 'gpt-6.2-sol',
      system: [{ text: 'You are an agent.', cache: true }],
      taskMessage: 'Edit a.ts.',
      tools: {
        call: (name): Promise<ToolOutcome> => {
          executed.push(name);
          return Promise.resolve({ ok: true, output: `did ${name}` });
        },
      },
      allowedCommands: [],
      memory: new SharedMemory(),
      emit: () => {},
      maxTurns: 6,
      maxToolCallsPerTurn: 50,
      maxToolCallsPerTask: 1000,
    });
    expect(outcome).toMatchObject({ status: 'finished', summary: 'edited a.ts' });
    expect(executed).toEqual(['read_file', 'read_file']);
    expect(server.requests.map((r) => r.refused)).toEqual([undefined, undefined, undefined]);
    const last = server.requests[2]!.body.input as { type?: string }[];
    // Every earlier reasoning item went back, each before the call it produced.
    expect(last.map((i) => i.type ?? 'message')).toEqual([
      'message',
      'reasoning',
      'function_call',
      'function_call_output',
      'reasoning',
      'message',
      'function_call',
      'function_call_output',
    ]);
  });
});
