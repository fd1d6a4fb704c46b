import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/repo.js';
import { collect, FAKE_KEYS, fakeServer, providerFor, request, textOf } from './helpers.js';
import { loadScenarioFile, parseScenario } from '../../src/llm/fake/index.js';
import { ConfigError } from '../../src/errors.js';

const submitPlan = {
  name: 'submit_plan',
  arguments: { tasks: [{ id: 't1', title: 'Add flag', dependsOn: [] }] },
};

describe('fake server: non-streaming answers for the real SDKs', () => {
  it('openai chat.completions.create without stream', async () => {
    const server = await fakeServer({ rules: [{ reply: { text: 'Plan ready.', toolCalls: [submitPlan] } }] });
    const client = new OpenAI({
      apiKey: FAKE_KEYS.OPENAI_API_KEY,
      baseURL: server.openaiBaseURL,
      maxRetries: 0,
    });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'plan it' }],
    });
    const choice = completion.choices[0]!;
    expect(choice.message.content).toBe('Plan ready.');
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual(submitPlan.arguments);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('anthropic messages.create without stream', async () => {
    const server = await fakeServer({ rules: [{ reply: { text: 'Plan ready.', toolCalls: [submitPlan] } }] });
    const client = new Anthropic({
      apiKey: FAKE_KEYS.ANTHROPIC_API_KEY,
      baseURL: server.anthropicBaseURL,
      maxRetries: 0,
    });
    const message = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'plan it' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    // claude-sonnet-4-6 thinks by default: its signed thinking block comes first.
    expect(message.content[0]).toMatchObject({ type: 'thinking', signature: expect.any(String) });
    expect(message.content[1]).toMatchObject({ type: 'text', text: 'Plan ready.' });
    expect(message.content[2]).toMatchObject({
      type: 'tool_use',
      name: 'submit_plan',
      input: submitPlan.arguments,
    });
  });

  it('ollama chat without stream', async () => {
    const server = await fakeServer({ rules: [{ reply: { text: 'Plan ready.', toolCalls: [submitPlan] } }] });
    const response = await new Ollama({ host: server.ollamaHost }).chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'plan it' }],
    });
    expect(response.message.content).toBe('Plan ready.');
    expect(response.message.tool_calls?.[0]?.function).toEqual(submitPlan);
    expect(response.done).toBe(true);
  });
});

describe('fake server: rules', () => {
  it('answers in order with times, matches regex, turn, system, header and tool results, and records it all', async () => {
    const server = await fakeServer({
      rules: [
        {
          name: 'planner',
          match: { system: { regex: '^you plan', flags: 'i' }, turn: 0 },
          reply: { text: 'P' },
        },
        { name: 'first', match: { lastUser: /fix (the )?bug/ }, times: 1, reply: { text: 'A' } },
        { name: 'second', match: { lastUser: 'fix' }, reply: { text: 'B' } },
        {
          name: 'after-read',
          match: { toolResult: { name: 'read_file' }, model: 'gpt-4o-mini' },
          reply: { text: 'C' },
        },
      ],
    });
    const openai = providerFor('openai', server);
    const ask = async (text: string, system = 'You are an agent.') =>
      textOf(await collect(openai.stream(request('openai', text, { system: [{ text: system }] }))));
    expect(await ask('make a plan', 'You plan work.')).toBe('P');
    expect(await ask('please fix the bug')).toBe('A');
    expect(await ask('please fix the bug')).toBe('B');
    const withResult = request('openai', 'x', {
      messages: [
        { role: 'user', content: 'x' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'c1', name: 'read_file', arguments: {}, rawArguments: '{}' }],
        },
        { role: 'tool', toolCallId: 'c1', name: 'read_file', content: 'file text' },
      ],
    });
    expect(textOf(await collect(openai.stream(withResult)))).toBe('C');
    expect(server.requests.map((r) => r.ruleName)).toEqual(['planner', 'first', 'second', 'after-read']);
    expect(server.requests[1]!.body.messages).toEqual([
      { role: 'system', content: 'You are an agent.' },
      { role: 'user', content: 'please fix the bug' },
    ]);
    expect(server.requests[1]!.headers['content-type']).toContain('application/json');
  });

  it('uses the fallback when nothing matches and applies per-token latency', async () => {
    const server = await fakeServer({
      rules: [],
      fallback: { text: 'one two three four five' },
      tokenLatencyMs: 30,
    });
    const started = Date.now();
    const events = await collect(providerFor('anthropic', server).stream(request('anthropic', 'anything')));
    expect(textOf(events)).toBe('one two three four five');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 30 - 5);
  });

  it('a stall with ms ends the connection after the pause', async () => {
    const server = await fakeServer({
      rules: [{ fault: { type: 'stall', afterChunks: 2, ms: 100 }, reply: { text: 'a b c d' } }],
    });
    const started = Date.now();
    const error = await collect(providerFor('ollama', server).stream(request('ollama', 'x'))).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'stream' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('holds a reply with `after` until the named rule has answered in full, however slow that is', async () => {
    const server = await fakeServer({
      rules: [
        { name: 'slow', match: { lastUser: 'first' }, reply: { text: 'one two three', latencyMs: 300 } },
        { name: 'held', match: { lastUser: 'second' }, reply: { text: 'after', after: 'slow' } },
      ],
    });
    const provider = providerFor('openai', server);
    const order: string[] = [];
    const ask = (text: string) =>
      collect(provider.stream(request('openai', text))).then((events) => order.push(textOf(events)));
    // The held request is sent first and would answer at once without `after`.
    const held = ask('second');
    await expect.poll(() => server.stats.inFlight).toBe(1);
    await Promise.all([held, ask('first')]);
    expect(order).toEqual(['one two three', 'after']);
  });

  it('loads YAML and JSON scenario files and rejects bad ones with the field named', async () => {
    const dir = await tempDir();
    const yamlFile = join(dir, 's.yaml');
    await writeFile(
      yamlFile,
      'rules:\n  - match: { lastUser: { regex: "^hi" } }\n    reply: { text: hello }\n',
    );
    const server = await fakeServer(await loadScenarioFile(yamlFile));
    expect(textOf(await collect(providerFor('openai', server).stream(request('openai', 'hi there'))))).toBe(
      'hello',
    );
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ rules: [{ fault: { type: 'status', status: 200 } }] }));
    await expect(loadScenarioFile(bad)).rejects.toThrow(ConfigError);
    await expect(loadScenarioFile(bad)).rejects.toThrow(/rules\.0\.fault\.status/);
    expect(() => parseScenario({ rules: [{ reply: { txt: 'typo' } }] })).toThrow(/rules\.0\.reply/);
    await expect(loadScenarioFile(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read/);
  });
});
