import { describe, expect, it } from 'vitest';
import { createRedactor, redact, redactDeep, REDACTED } from './redact.js';

const env = {
  OPENAI_API_KEY: 'sk-proj-abcdefghijklmnop1234',
  ANTHROPIC_API_KEY: 'sk-ant-api03-zyxwvutsrqponm987',
  MY_SERVICE_TOKEN: 'tok_0123456789abcdef',
  CUSTOM_VAR: 'plainsecretvalue42',
  HOME: '/home/someone',
  SHORT_TOKEN: 'abc',
};

describe('redact', () => {
  it('replaces values of key variables, secret-named variables and configured ones', () => {
    const r = createRedactor(env, ['CUSTOM_VAR']);
    const text = `a ${env.OPENAI_API_KEY} b ${env.ANTHROPIC_API_KEY} c ${env.MY_SERVICE_TOKEN} d ${env.CUSTOM_VAR}`;
    expect(r(text)).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED} d ${REDACTED}`);
  });

  it('replaces key-shaped strings even when no variable holds them', () => {
    expect(redact('key=sk-ant-api03-AAAAAAAAAAAAAAAAAAAA end', {})).toBe(`key=${REDACTED} end`);
    expect(redact('sk-abcdefghijklmnopqrstuv', {})).toBe(REDACTED);
    expect(redact('Authorization: Bearer abcdefghijklmnopqrstu', {})).toBe(`Authorization: ${REDACTED}`);
  });

  it('leaves ordinary text, short values and non-secret variables alone', () => {
    const r = createRedactor(env);
    expect(r('home is /home/someone; abc; task-sk-1; skip it')).toBe(
      'home is /home/someone; abc; task-sk-1; skip it',
    );
  });

  it('redacts every string inside events without mutating them', () => {
    const event = {
      type: 'log',
      message: `using ${env.OPENAI_API_KEY}`,
      nested: [{ k: env.ANTHROPIC_API_KEY }],
      n: 3,
    };
    const out = redactDeep(event, createRedactor(env));
    expect(out).toEqual({ type: 'log', message: `using ${REDACTED}`, nested: [{ k: REDACTED }], n: 3 });
    expect(event.message).toContain('sk-proj');
  });
});
