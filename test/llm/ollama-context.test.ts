import { Ollama } from 'ollama';
import { describe, expect, it } from 'vitest';
import { collect, fakeServer, providerFor, request, textOf } from './helpers.js';
import { createOllamaProvider, OLLAMA_AGENT_CONTEXT } from '../../src/llm/ollama.js';
import { createRedactor } from '../../src/util/redact.js';

const task = 'TASK: add the --verbose flag to the CLI';
const rules = {
  rules: [{ match: { anyMessage: 'TASK:' }, reply: { text: 'On it.' } }],
  fallback: { text: 'What task?' },
};
/** A long conversation after the task message: about 6k tokens, over Ollama's 4k default. */
const history = Array.from({ length: 12 }, (_, i) => [
  { role: 'assistant' as const, content: `step ${i}` },
  { role: 'user' as const, content: `output ${i}: ${'x'.repeat(2000)}` },
]).flat();

describe('Ollama context and thinking on the real SDK against the strict fake', () => {
  it('without num_ctx the task falls out of a long prompt; maestro asks for the agent context', async () => {
    const server = await fakeServer(rules);
    // What maestro used to send: no options.num_ctx, so the server's small default cut the front.
    const client = new Ollama({ host: server.ollamaHost });
    const old = await client.chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: task }, ...history],
    });
    expect(old.message.content).toBe('What task?');
    const events = await collect(
      providerFor('ollama', server).stream(
        request('ollama', task, { messages: [{ role: 'user', content: task }, ...history] }),
      ),
    );
    expect(textOf(events)).toBe('On it.');
    const options = server.requests.at(-1)!.body.options as { num_ctx?: number };
    expect(options.num_ctx).toBe(OLLAMA_AGENT_CONTEXT);
    expect(events.some((e) => e.type === 'warning')).toBe(false);
  });

  it('num_ctx from config, from the catalog otherwise, and a warning when the prompt is larger', async () => {
    const server = await fakeServer(rules);
    const redact = createRedactor({});
    const small = createOllamaProvider({ redact, baseURL: server.ollamaHost, numCtx: 2048 });
    const events = await collect(
      small.stream(request('ollama', task, { messages: [{ role: 'user', content: task }, ...history] })),
    );
    expect((server.requests.at(-1)!.body.options as { num_ctx: number }).num_ctx).toBe(2048);
    const warning = events.find((e) => e.type === 'warning');
    expect(warning).toMatchObject({ message: expect.stringMatching(/larger than the 2048-token context/) });
    // qwen3 has a 40,960-token window: the catalog's num_ctx for it is the window, not 64k.
    await collect(providerFor('ollama', server).stream(request('ollama', 'hi', { model: 'qwen3:8b' })));
    expect((server.requests.at(-1)!.body.options as { num_ctx: number }).num_ctx).toBe(40_960);
  });

  it('streams message.thinking as thinking events before the answer', async () => {
    const server = await fakeServer({
      rules: [{ reply: { thinking: 'The flag goes in main.ts.', text: 'Done.' } }],
    });
    const events = await collect(providerFor('ollama', server).stream(request('ollama', 'go')));
    const thinking = events.flatMap((e) => (e.type === 'thinking' ? [e.delta] : [])).join('');
    expect(thinking).toBe('The flag goes in main.ts.');
    expect(textOf(events)).toBe('Done.');
    expect(events.findIndex((e) => e.type === 'thinking')).toBeLessThan(
      events.findIndex((e) => e.type === 'text'),
    );
  });
});
