import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { hostFor, processesWith, tempWorktree } from './helpers.js';

describe('commands and the child environment', () => {
  it('scrubs secrets from the child environment unless allowEnv names one', async () => {
    const { worktree } = await tempWorktree({ 'a.txt': 'a\n' });
    const env = {
      ...process.env,
      OPENAI_API_KEY: 'sk-1',
      ANTHROPIC_API_KEY: 'sk-2',
      OPENAI_BASE_URL: 'http://x',
      GITHUB_TOKEN: 'ghp',
      DB_PASSWORD: 'pw',
      MY_SECRET: 's',
      NPM_TOKEN: 'n',
      AWS_SECRET_ACCESS_KEY: 'aws',
      ALLOWED_TOKEN: 'kept',
      HARMLESS_SETTING: 'kept',
    };
    const host = await hostFor(worktree, { allowedCommands: ['env'], env, allowEnv: ['ALLOWED_TOKEN'] });
    const dump = await host.call('run_command', { command: 'env' });
    expect(dump.ok).toBe(true);
    const names = dump.output
      .split('\n')
      .map((line) => line.split('=')[0])
      .filter((name) => name !== undefined && /^[A-Z_]+$/.test(name));
    for (const secret of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENAI_BASE_URL', 'GITHUB_TOKEN']) {
      expect(names).not.toContain(secret);
    }
    for (const secret of ['DB_PASSWORD', 'MY_SECRET', 'NPM_TOKEN', 'AWS_SECRET_ACCESS_KEY']) {
      expect(names).not.toContain(secret);
    }
    expect(dump.output).toContain('ALLOWED_TOKEN=kept');
    // By allowlist: what is not a basic (PATH, HOME, locale, ...) or allowed does not pass.
    expect(dump.output).not.toContain('HARMLESS_SETTING');
    expect(names).toContain('PATH');
    expect(dump.output).not.toMatch(/sk-1|sk-2|ghp|aws/);
  });

  it('kills the whole process group of a command that ignores SIGTERM and forks', async () => {
    const { worktree } = await tempWorktree({
      'stubborn.sh': [
        'trap "" TERM',
        'sh -c \'trap "" TERM; : stubborn-grandchild-marker; while true; do sleep 0.1; done\' &',
        'echo started',
        'while true; do sleep 0.1; done',
        '',
      ].join('\n'),
    });
    // The leader ignores SIGTERM too, so only the SIGKILL after the grace period can end the group.
    const command = 'trap "" TERM; sh stubborn.sh';
    const host = await hostFor(worktree, { allowedCommands: [command], commandTimeoutMs: 1_000 });
    const started = Date.now();
    const outcome = await host.call('run_command', { command });
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toContain('timed out after 1 s (process group killed)');
    expect(outcome.output).toContain('started');
    expect(Date.now() - started).toBeLessThan(8_000);
    await vi.waitFor(() => expect(processesWith('stubborn-grandchild-marker')).toEqual([]), {
      timeout: 5_000,
    });
  });

  it('cancels a running command through its AbortSignal and kills its group', async () => {
    const { worktree } = await tempWorktree({
      'spin.sh': 'sleep 1000.125 &\necho started > child.txt\nwait\n',
    });
    const host = await hostFor(worktree, { allowedCommands: ['sh spin.sh'] });
    const controller = new AbortController();
    const pending = host.call('run_command', { command: 'sh spin.sh' }, controller.signal);
    await vi.waitFor(() => readFile(join(worktree, 'child.txt'), 'utf8'), { timeout: 5_000 });
    // The background job may not have exec'd `sleep` yet when the file is there (its cmdline is
    // still the shell's until then): the sleep is waited for, then the abort must end it.
    await vi.waitFor(() => expect(processesWith('1000.125')).toHaveLength(1), { timeout: 5_000 });
    controller.abort();
    const outcome = await pending;
    expect(outcome.output).toContain('cancelled (process group killed)');
    await vi.waitFor(() => expect(processesWith('1000.125')).toEqual([]), { timeout: 5_000 });
  });
});
