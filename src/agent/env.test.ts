import { describe, expect, it } from 'vitest';
import { isSecretEnvName, scrubEnv } from './env.js';

describe('scrubEnv', () => {
  it.each([
    'OPENAI_API_KEY',
    'OPENAI_BASE_URL',
    'ANTHROPIC_AUTH_TOKEN',
    'GITHUB_TOKEN',
    'NPM_TOKEN',
    'AWS_SECRET_ACCESS_KEY',
    'DB_PASSWORD',
    'STRIPE_SECRET',
    'API_KEY',
    'gemini_api_key',
  ])('drops %s', (name) => expect(isSecretEnvName(name)).toBe(true));

  it.each(['PATH', 'HOME', 'KEYBOARD_LAYOUT', 'TOKENIZERS_PARALLELISM', 'NODE_ENV', 'LANG'])(
    'keeps %s',
    (name) => expect(isSecretEnvName(name)).toBe(false),
  );

  it('lets allowEnv names through and adds extras', () => {
    expect(
      scrubEnv({ PATH: '/bin', A_TOKEN: 't', B_TOKEN: 'u' }, ['A_TOKEN'], { MAESTRO_TASK_ID: 'x' }),
    ).toEqual({
      PATH: '/bin',
      A_TOKEN: 't',
      MAESTRO_TASK_ID: 'x',
    });
  });

  it('passes by allowlist only: the basics, the preset-declared credentials and allowEnv', () => {
    const env = {
      PATH: '/bin',
      HOME: '/h',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      TERM: 'xterm',
      TZ: 'UTC',
      USER: 'u',
      SHELL: '/bin/sh',
      TMPDIR: '/t',
      ANTHROPIC_API_KEY: 'sk-ant-x',
      OPENAI_API_KEY: 'sk-x',
      PGPASSWORD: 'pw',
      DATABASE_URL: 'postgres://a:b@c/d',
      npm_config__authToken: 'n',
      AWS_ACCESS_KEY_ID: 'AKIA',
      NODE_ENV: 'test',
    };
    expect(scrubEnv(env, { allowEnv: ['NODE_ENV'], declared: ['ANTHROPIC_API_KEY'] })).toEqual({
      PATH: '/bin',
      HOME: '/h',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      TERM: 'xterm',
      TZ: 'UTC',
      USER: 'u',
      SHELL: '/bin/sh',
      TMPDIR: '/t',
      ANTHROPIC_API_KEY: 'sk-ant-x',
      NODE_ENV: 'test',
    });
  });
});
