import { describe, expect, it } from 'vitest';
import { RESTART_MARK, taskProvider } from './task-provider.js';
import type { LlmEvent } from './llm.js';
import type { TurnEvent } from './types.js';

const usage = { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1 };
const text = (delta: string): LlmEvent => ({ type: 'text', delta });
const retry = (discardText = true): LlmEvent => ({
  type: 'retry',
  attempt: 1,
  kind: 'stream',
  reason: 'broke',
  delayMs: 0,
  discardText,
});
const done: LlmEvent = {
  type: 'done',
  stopReason: 'end_turn',
  usage,
  costUsd: 0,
  priceKnown: true,
  provider: 'openai',
  model: 'gpt-4o',
  attempts: 2,
};

async function shown(events: LlmEvent[]): Promise<{ text: string; events: TurnEvent[] }> {
  const provider = taskProvider('openai', async function* () {
    yield* events;
  });
  const out: TurnEvent[] = [];
  for await (const e of provider.stream({ model: 'gpt-4o', system: [], messages: [] })) out.push(e);
  return { text: out.map((e) => (e.type === 'text' ? e.delta : '')).join(''), events: out };
}

describe('taskProvider: restarted turns stay exactly-once for TurnEvent consumers', () => {
  it('passes a clean turn through', async () => {
    const { text: t, events } = await shown([text('Hello'), text(' world'), done]);
    expect(t).toBe('Hello world');
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn', usage });
  });

  it('skips the repeated part of a restarted answer and streams the rest', async () => {
    const { text: t } = await shown([
      text('Hello'),
      text(' wor'),
      retry(),
      text('Hel'),
      text('lo w'),
      text('orld!'),
      done,
    ]);
    expect(t).toBe('Hello world!');
  });

  it('survives two restarts in a row', async () => {
    const { text: t } = await shown([
      text('Hi'),
      retry(),
      text('Hi th'),
      retry(),
      text('Hi'),
      text(' there'),
      done,
    ]);
    expect(t).toBe('Hi there');
  });

  it('marks a restarted answer that says something else', async () => {
    const { text: t } = await shown([text('Hello'), retry(), text('Goodbye'), text(' now'), done]);
    expect(t).toBe(`Hello${RESTART_MARK}Goodbye now`);
  });

  it('ignores retries that come before any text', async () => {
    const { text: t } = await shown([retry(false), text('ok'), done]);
    expect(t).toBe('ok');
  });
});
