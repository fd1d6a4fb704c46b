import { describe, expect, it } from 'vitest';
import { credentialEnv, externalCommand, type InvocationContext } from './presets.js';

describe('external agent presets', () => {
  const prompt = 'fix "it"; rm -rf / $(x)\nline 2';
  const bare: InvocationContext = { prompt, mcpUrl: null, commands: [], taskUsd: null, confined: true };
  const full: InvocationContext = {
    prompt,
    mcpUrl: 'http://127.0.0.1:9/mcp/abc',
    commands: ['npm test'],
    taskUsd: 0.5,
    confined: true,
  };

  it.each([
    [
      'claude',
      [
        'claude',
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--permission-mode',
        'acceptEdits',
        '--',
        prompt,
      ],
      'claude',
    ],
    ['codex', ['codex', 'exec', '--json', '--sandbox', 'danger-full-access', '--', prompt], 'codex'],
    ['aider', ['aider', '--yes-always', '--no-auto-commits', '--no-pretty', '--message', prompt], 'lines'],
    [
      'gemini',
      ['gemini', '--skip-trust', '--yolo', '--output-format', 'stream-json', '--prompt', prompt],
      'gemini',
    ],
  ] as const)('%s without MCP, commands or budget', (setting, argv, format) => {
    expect(externalCommand(setting, bare)).toEqual({ name: setting, argv, format });
  });

  it('claude: Bash allowed for exactly the configured commands, the MCP server for this process only, its own budget flag', () => {
    const { argv } = externalCommand('claude', full);
    expect(argv).toContain('--allowedTools=Bash(npm test),Bash(npm test:*),mcp__maestro');
    expect(argv).toContain(
      `--mcp-config=${JSON.stringify({ mcpServers: { maestro: { type: 'http', url: full.mcpUrl } } })}`,
    );
    expect(argv).toContain('--strict-mcp-config');
    expect(argv.slice(argv.indexOf('--max-budget-usd'), argv.indexOf('--max-budget-usd') + 2)).toEqual([
      '--max-budget-usd',
      '0.5',
    ]);
    // The prompt is the last argument, after "--": no option can swallow it.
    expect(argv.slice(-2)).toEqual(['--', prompt]);
  });

  it("codex: its own workspace-write sandbox only where maestro's does not confine it (the two cannot nest)", () => {
    const sandboxOf = (argv: string[]) => argv[argv.indexOf('--sandbox') + 1];
    expect(sandboxOf(externalCommand('codex', { ...bare, confined: true }).argv)).toBe('danger-full-access');
    expect(sandboxOf(externalCommand('codex', { ...bare, confined: false }).argv)).toBe('workspace-write');
  });

  it('codex: the MCP server as a -c override, never a write to ~/.codex', () => {
    const { argv } = externalCommand('codex', full);
    expect(argv).toEqual(
      expect.arrayContaining(['-c', 'mcp_servers.maestro.url="http://127.0.0.1:9/mcp/abc"']),
    );
  });

  it('substitutes {prompt} inside one argument of a custom command, which gets no credentials', () => {
    const setting = { command: ['my-agent', '--task={prompt}', '{prompt}', 'x'] };
    expect(externalCommand(setting, bare).argv).toEqual(['my-agent', `--task=${prompt}`, prompt, 'x']);
    expect(credentialEnv(setting)).toEqual([]);
    expect(credentialEnv('claude')).toEqual(
      expect.arrayContaining(['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL']),
    );
  });
});
