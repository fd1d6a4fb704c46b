import { describe, expect, it } from 'vitest';
import { missingCredentials } from './credentials.js';

describe('missing credentials', () => {
  it('names the variables, the allowEnv key and the login, and whether a key was passed', () => {
    const none = missingCredentials('claude', 'Not logged in · Please run /login', {});
    expect(none).toContain('none of ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN is set');
    expect(none).toContain('"allowEnv"');
    expect(none).toContain('/login');
    const refused = missingCredentials('claude', 'Invalid API key', { ANTHROPIC_API_KEY: 'x' });
    expect(refused).toContain('ANTHROPIC_API_KEY was passed but refused');
  });

  it('says nothing for other failures and for custom commands', () => {
    expect(missingCredentials('codex', 'segmentation fault', {})).toBeNull();
    expect(missingCredentials({ command: ['x'] }, 'Not logged in', {})).toBeNull();
  });
});
