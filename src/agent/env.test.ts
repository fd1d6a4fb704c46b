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
});
