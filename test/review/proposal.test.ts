import { afterEach, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../../src/llm/fake/index.js';
import { createOpenAiProvider } from '../../src/llm/openai.js';
import { createSession } from '../../src/git/resolution-session.js';
import { proposalLines, proposeWith } from '../../src/ui/review/proposal.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('model proposals', () => {
  it.each([
    ['Here:\n```ts\nconst a = 1;\nconst b = 2;\n```\nDone.', ['const a = 1;', 'const b = 2;']],
    ['```\n```', []],
    ['plain answer\r\nsecond', ['plain answer', 'second']],
  ])('extracts the lines of %j', (answer, lines) => {
    expect(proposalLines(answer)).toEqual(lines);
  });

  it('asks the model through the real SDK with base, ours and theirs, and returns its lines', async () => {
    server = await startFakeServer({
      rules: [{ match: { lastUser: 'merge conflict' }, reply: { text: 'Sure.\n```ts\nmerged line\n```' } }],
    });
    const provider = createOpenAiProvider({
      apiKey: 'test',
      baseURL: server.openaiBaseURL,
      redact: (text) => text,
    });
    const session = createSession({
      runId: 'r',
      taskId: 't',
      labels: { ours: 'result (A)', theirs: 'Add feature' },
      resultCommit: 'c1',
      taskCommit: 'c2',
      mergeTree: 'tree',
      files: [],
      sideTexts: {},
    });
    const file = {
      path: 'app.ts',
      kind: 'content' as const,
      stages: {},
      modes: {},
      messages: [],
      text: true,
      sides: {},
      history: [],
    };
    const hunk = {
      start: 0,
      end: 6,
      ours: ['OURS'],
      base: ['BASE'],
      theirs: ['THEIRS'],
      labels: { ours: '', theirs: '' },
    };
    const lines = await proposeWith(provider, 'gpt-test')(hunk, { session, file });
    expect(lines).toEqual(['merged line']);
    const asked = JSON.stringify(server.requests[0]);
    for (const text of ['OURS', 'BASE', 'THEIRS', 'Add feature', 'app.ts']) expect(asked).toContain(text);
  });
});
