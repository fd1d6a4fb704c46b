import { describe, expect, it } from 'vitest';
import { fakeServer } from '../helpers/fake-server.js';

const post = (url: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': 'k' }) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const user = (text: string) => ({ role: 'user', parts: [{ text }] });

describe('fake Gemini API', () => {
  it('streams text records then a functionCall record with finishReason and usageMetadata', async () => {
    const server = await fakeServer({
      rules: [
        {
          match: { provider: 'gemini', lastUser: 'go' },
          reply: {
            text: 'one two three four five',
            toolCalls: [{ name: 'write_file', arguments: { file_path: 'a' } }],
          },
        },
      ],
    });
    const response = await post(
      `${server.geminiBaseURL}/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse`,
      {
        contents: [user('go')],
        tools: [{ functionDeclarations: [{ name: 'write_file' }] }],
      },
    );
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const records = (await response.text())
      .split('\r\n\r\n')
      .filter((r) => r.startsWith('data: '))
      .map(
        (r) =>
          JSON.parse(r.slice(6)) as {
            candidates: { content: { parts: unknown[] }; finishReason?: string }[];
            usageMetadata: Record<string, number>;
            modelVersion: string;
          },
      );
    expect(records.map((r) => r.candidates[0]?.content.parts)).toEqual([
      [{ text: 'one two three four' }],
      [{ text: ' five' }],
      [{ functionCall: { name: 'write_file', args: { file_path: 'a' } } }],
    ]);
    const last = records.at(-1);
    expect(last?.candidates[0]?.finishReason).toBe('STOP');
    expect(last?.usageMetadata.candidatesTokenCount).toBeGreaterThan(0);
    expect(last?.usageMetadata.totalTokenCount).toBe(
      (last?.usageMetadata.promptTokenCount ?? 0) + (last?.usageMetadata.candidatesTokenCount ?? 0),
    );
    expect(last?.modelVersion).toBe('gemini-2.5-pro');
    expect(server.requests[0]).toMatchObject({ provider: 'gemini' });
  });

  it('refuses what the real API refuses, in its words', async () => {
    const server = await fakeServer({ rules: [{ reply: { text: 'ok' } }] });
    const url = `${server.geminiBaseURL}/v1beta/models/gemini-2.5-pro:generateContent`;
    const noKey = await post(url, { contents: [user('hi')] }, {});
    expect(noKey.status).toBe(403);
    expect(await noKey.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
    const unknown = await post(url, { contents: [user('hi')], temperature: 1 });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain(
      'Unknown name "temperature"',
    );
    const role = await post(url, { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] });
    expect(((await role.json()) as { error: { message: string } }).error.message).toContain(
      'valid role: user, model',
    );
    const unanswered = await post(url, {
      contents: [
        user('hi'),
        { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
        user('no response part'),
      ],
    });
    expect(((await unanswered.json()) as { error: { message: string } }).error.message).toContain(
      'number of function response parts is equal to the number of function call parts',
    );
    const ok = await post(url, { contents: [user('hi')] });
    expect(await ok.json()).toMatchObject({
      candidates: [{ content: { parts: [{ text: 'ok' }], role: 'model' } }],
    });
    const count = await post(`${server.geminiBaseURL}/v1beta/models/gemini-2.5-pro:countTokens`, {
      contents: [user('hi')],
    });
    expect(await count.json()).toMatchObject({ totalTokens: expect.any(Number) });
  });
});
