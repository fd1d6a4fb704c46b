import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createClaudeParser } from '../../src/agent/external/claude-stream.js';
import { createCodexParser } from '../../src/agent/external/codex-stream.js';
import { createGeminiParser } from '../../src/agent/external/gemini-stream.js';
import type { StreamParser } from '../../src/agent/external/parsed.js';

function feed(parser: StreamParser, fixture: string) {
  const text = readFileSync(new URL(`./fixtures/${fixture}`, import.meta.url), 'utf8');
  return text.split('\n').flatMap((line) => parser.line(line));
}

describe('claude stream-json parser', () => {
  it('turns a recorded session into agent events, usage live per API message and corrected by the result', () => {
    const priced: string[] = [];
    const parser = createClaudeParser('t1', (model, u) => {
      priced.push(model);
      return u.outputTokens * 1e-4;
    });
    const events = feed(parser, 'claude-stream.jsonl');
    expect(events.map((e) => e.type)).toEqual([
      'agent.usage',
      'agent.text',
      'agent.tool_call', // same message id as the line before: its usage is not counted twice
      'agent.tool_result',
      'agent.usage',
      'agent.tool_call',
      'agent.tool_result',
      'agent.usage',
      'agent.tool_call',
      'agent.tool_result',
      'agent.usage',
      'agent.text',
      'agent.usage', // the result's cost beyond the live estimate
    ]);
    expect(events[2]).toEqual({
      type: 'agent.tool_call',
      taskId: 't1',
      callId: 'toolu_01Read',
      name: 'Read',
      args: { file_path: '/tmp/wt/src/math.mjs' },
    });
    expect(events[3]).toMatchObject({
      name: 'Read',
      ok: true,
      output: expect.stringContaining('return a - b;'),
    });
    expect(events[9]).toMatchObject({ name: 'Bash', ok: false, output: 'Error: command requires approval' });
    const usages = events.flatMap((e) => (e.type === 'agent.usage' ? [e] : []));
    expect(usages[0]).toEqual({
      type: 'agent.usage',
      taskId: 't1',
      model: 'claude-sonnet-4-5-20250929',
      provider: 'claude',
      usage: { inputTokens: 4, cacheWriteTokens: 5120, cachedInputTokens: 0, outputTokens: 8 },
      costUsd: 8e-4,
    });
    expect(priced.every((m) => m === 'claude-sonnet-4-5-20250929')).toBe(true);
    const total = usages.reduce(
      (sum, e) => ({
        input: sum.input + e.usage.inputTokens,
        write: sum.write + e.usage.cacheWriteTokens,
        read: sum.read + e.usage.cachedInputTokens,
        output: sum.output + e.usage.outputTokens,
        usd: sum.usd + e.costUsd,
      }),
      { input: 0, write: 0, read: 0, output: 0, usd: 0 },
    );
    // The live sum equals the result's totals, and the dollars its total_cost_usd.
    expect(total).toMatchObject({ input: 22, write: 5380, read: 15680, output: 120 });
    expect(total.usd).toBeCloseTo(0.0412345, 9);
    expect(parser.result()).toMatchObject({
      summary: 'Fixed `add` to return the sum.',
      turns: 4,
      error: null,
      costUsd: 0.0412345,
    });
  });

  it('reports an error result and passes non-JSON lines through as text', () => {
    const parser = createClaudeParser('t1');
    const events = [
      ...parser.line('Warning: something odd'),
      ...parser.line(
        '{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":30,"total_cost_usd":1.5,"usage":{"input_tokens":1,"output_tokens":2}}',
      ),
    ];
    expect(events[0]).toEqual({ type: 'agent.text', taskId: 't1', text: 'Warning: something odd\n' });
    expect(parser.result().error).toBe('claude ended with error_max_turns');
    expect(parser.result().costUsd).toBe(1.5);
  });
});

describe('claude stream-json parser on a recorded claude 2.1.197 session', () => {
  it('reports the error result of a session that could not start', () => {
    const parser = createClaudeParser('t1');
    feed(parser, 'claude-not-logged-in.jsonl');
    expect(parser.result().error).toBe('Not logged in · Please run /login');
  });
});

describe('codex exec --json parser', () => {
  it('turns a recorded session into agent events; usage excludes cached input from the full rate', () => {
    const parser = createCodexParser(
      't1',
      (_model, u) => u.inputTokens * 1e-6 + u.outputTokens * 1e-5,
      'gpt-5.1-codex',
    );
    const events = feed(parser, 'codex-exec.jsonl');
    expect(events.map((e) => [e.type, 'name' in e ? e.name : ''])).toEqual([
      ['agent.tool_call', 'command_execution'],
      ['agent.tool_result', 'command_execution'],
      ['agent.tool_call', 'file_change'],
      ['agent.tool_result', 'file_change'],
      ['agent.tool_call', 'command_execution'],
      ['agent.tool_result', 'command_execution'],
      ['agent.text', ''],
      ['agent.usage', ''],
    ]);
    expect(events[0]).toMatchObject({ callId: 'item_1', args: { command: "bash -lc 'cat src/math.mjs'" } });
    expect(events[1]).toMatchObject({ ok: true, output: expect.stringContaining('a - b') });
    expect(events[3]).toMatchObject({ ok: true, output: 'update /tmp/wt/src/math.mjs' });
    expect(events[5]).toMatchObject({ ok: false, output: 'npm ERR! missing script: test\n' });
    const usage = events.at(-1);
    expect(usage).toMatchObject({
      provider: 'codex',
      usage: { inputTokens: 315, cachedInputTokens: 24448, cacheWriteTokens: 0, outputTokens: 122 },
    });
    expect(usage?.type === 'agent.usage' && usage.costUsd).toBeCloseTo(315e-6 + 122e-5);
    expect(parser.result()).toMatchObject({
      summary: 'Changed `add` to return `a + b`. There is no npm test script to run.',
      turns: 1,
      error: null,
    });
  });

  it('treats retried errors and warning items as passing when the turn completes (codex-cli 0.169 lines)', () => {
    const parser = createCodexParser('t1');
    const events = feed(parser, 'codex-reconnected.jsonl');
    expect(events[0]).toMatchObject({
      type: 'agent.text',
      text: expect.stringContaining('warning: Falling back'),
    });
    expect(parser.result()).toMatchObject({ summary: 'Done.', turns: 1, error: null });
  });

  it('reports turn.failed as the error', () => {
    const parser = createCodexParser('t1');
    expect(feed(parser, 'codex-failed.jsonl')).toEqual([]);
    expect(parser.result().error).toBe('stream disconnected before completion: rate limit reached');
  });
});

describe('gemini -o stream-json parser on a gemini-cli 0.61 session', () => {
  it('turns tool_use/tool_result into agent events and prices each model of the result stats', () => {
    const parser = createGeminiParser('t1', (model, u) =>
      model === 'gemini-3.1-pro-preview'
        ? u.inputTokens * 1e-6 + u.cachedInputTokens * 1e-7 + u.outputTokens * 1e-5
        : 0,
    );
    const events = feed(parser, 'gemini-stream.jsonl');
    expect(events.map((e) => [e.type, 'name' in e ? e.name : ''])).toEqual([
      ['agent.text', ''],
      ['agent.text', ''],
      ['agent.tool_call', 'write_file'],
      ['agent.tool_result', 'write_file'],
      ['agent.tool_call', 'run_shell_command'],
      ['agent.tool_result', 'run_shell_command'],
      ['agent.text', ''],
      ['agent.usage', ''],
      ['agent.usage', ''],
    ]);
    expect(events[2]).toMatchObject({
      callId: 'write_file__write_file_1796120118060_0',
      args: { file_path: 'hello.txt' },
    });
    expect(events[5]).toMatchObject({ ok: false, output: 'exit code 1' });
    const pro = events.find((e) => e.type === 'agent.usage' && e.model === 'gemini-3.1-pro-preview');
    // Thinking (total beyond prompt and answer) is billed as output; cached input apart.
    expect(pro).toMatchObject({
      provider: 'gemini',
      usage: { inputTokens: 20720, cachedInputTokens: 3000, cacheWriteTokens: 0, outputTokens: 80 },
    });
    expect(pro?.type === 'agent.usage' && pro.costUsd).toBeCloseTo(20720e-6 + 3000e-7 + 80e-5);
    expect(parser.result()).toMatchObject({ summary: 'Wrote hello.txt.', error: null, turns: 3 });
  });

  it('reports an error result', () => {
    const parser = createGeminiParser('t1');
    parser.line('{"type":"error","severity":"error","message":"Invalid auth method selected."}');
    parser.line(
      '{"type":"result","status":"error","error":{"type":"Error","message":"auth failed"},"stats":{"models":{}}}',
    );
    expect(parser.result().error).toBe('auth failed');
  });
});
