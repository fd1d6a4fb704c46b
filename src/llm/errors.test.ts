import { describe, expect, it } from 'vitest';
import { retryAfterMs, toLlmError } from './errors.js';

describe('retry-after headers', () => {
  it('prefers retry-after-ms, then seconds, then an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({}), now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': '1' }, now)).toBe(1000);
  });
});

describe('toLlmError', () => {
  const keep = (t: string) => t;
  it('classifies by status and by whether the answer had begun', () => {
    expect(
      toLlmError('openai', Object.assign(new Error('x'), { status: 429 }), { started: false }, keep).kind,
    ).toBe('rate_limit');
    expect(
      toLlmError('openai', Object.assign(new Error('x'), { status: 503 }), { started: false }, keep).kind,
    ).toBe('server');
    expect(
      toLlmError('ollama', Object.assign(new Error('x'), { status_code: 401 }), { started: false }, keep),
    ).toMatchObject({ kind: 'auth', retryable: false });
    expect(toLlmError('anthropic', new TypeError('terminated'), { started: true }, keep).kind).toBe('stream');
    expect(toLlmError('anthropic', new TypeError('fetch failed'), { started: false }, keep).kind).toBe(
      'connection',
    );
    const aborted = new AbortController();
    aborted.abort();
    expect(toLlmError('openai', new Error('x'), { started: true, signal: aborted.signal }, keep).kind).toBe(
      'aborted',
    );
  });
});
