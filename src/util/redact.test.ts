import { describe, expect, it } from 'vitest';
import { createRedactor, isSecretEnv, redact, redactDeep, REDACTED } from './redact.js';

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

describe('the shared secret rule and key shapes', () => {
  it.each([
    'PGPASSWORD',
    'npm_config__authToken',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'GH_PAT',
    'SENTRY_DSN',
    'MY_PRIVATE_THING',
  ])('%s is secret by name', (name) => expect(isSecretEnv(name)).toBe(true));

  it.each(['PATH', 'KEYBOARD_LAYOUT', 'TOKENIZERS_PARALLELISM', 'PWD', 'OLDPWD', 'NODE_ENV'])(
    '%s is not',
    (name) => expect(isSecretEnv(name)).toBe(false),
  );

  it('a URL with a password is secret whatever its name, and its password is redacted anywhere', () => {
    expect(isSecretEnv('DATABASE_URL', 'postgres://app:hunter22@db/app')).toBe(true);
    expect(isSecretEnv('DATABASE_URL', 'postgres://db/app')).toBe(false);
    expect(redact('dial postgres://app:hunter22@db:5432/app now', {})).toBe(
      `dial postgres://app:${REDACTED}@db:5432/app now`,
    );
  });

  it.each([
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['GitHub token', `ghp_${'a1B2'.repeat(9)}`],
    ['GitHub fine-grained token', `github_pat_${'x'.repeat(30)}`],
    ['JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['Google API key', `AIza${'0'.repeat(35)}`],
  ])('%s is redacted', (_, key) => expect(redact(`x ${key} y`, {})).toBe(`x ${REDACTED} y`));

  it('redacts a whole PEM private key block', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----';
    expect(redact(`key:\n${pem}\nend`, {})).toBe(`key:\n${REDACTED}\nend`);
  });

  it('redacts values of every secret-looking variable (the names the issue found unredacted)', () => {
    const r = createRedactor({
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_ACCESS_KEY_ID: 'ASIAXXXXXXXXXXXXXXXX',
      DATABASE_URL: 'mysql://root:s3cr3tpw@localhost/db',
      PGPASSWORD: 'pg-password-123',
    });
    const out = r(
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ASIAXXXXXXXXXXXXXXXX mysql://root:s3cr3tpw@localhost/db pg-password-123',
    );
    expect(out).not.toMatch(/wJalr|ASIAX|s3cr3tpw|pg-password/);
  });
});
