import type { AgentSetting } from '../../config/schema.js';
import { checkExhaustive } from '../../errors.js';

export type ExternalAgentSetting = Exclude<AgentSetting, 'builtin'>;
export type PresetName = Exclude<ExternalAgentSetting, { command: string[] }>;
export type StreamFormat = 'claude' | 'codex' | 'gemini' | 'lines';

/** What a preset's command line is built from, beside the prompt. */
export interface InvocationContext {
  /** The task prompt (or a pointer to the prompt file when it is too long for one argument). */
  prompt: string;
  /** This agent's URL on the run's MCP server (shared memory). */
  mcpUrl: string | null;
  /** The validate and allowed commands: a CLI that asks before running commands may run these. */
  commands: readonly string[];
  /** The task's dollar cap, for CLIs that enforce one themselves. */
  taskUsd: number | null;
  /** maestro's OS sandbox confines the process (false only when the user turned it off). */
  confined: boolean;
}

export interface ExternalCommand {
  /** Short name for messages ("claude", or the program of a custom command). */
  name: string;
  argv: string[];
  format: StreamFormat;
}

/**
 * What each preset's CLI reads from the environment to reach its model: keys, tokens, base URLs,
 * its home/config dir and cloud-provider switches. These pass maestro's secret scrub for that
 * CLI only (with `allowEnv`); everything else secret stays out. A login saved in the user's home
 * (`~/.claude` and `~/.claude.json`, `~/.codex`, `~/.gemini`, or the folder CLAUDE_CONFIG_DIR,
 * CODEX_HOME or GEMINI_CLI_HOME names) needs none of them: the sandbox hides that home, and the
 * CLI gets a private home seeded with a copy of the login and settings (homes.ts).
 * Sources: https://docs.claude.com/en/docs/claude-code/settings#environment-variables,
 * https://github.com/openai/codex/blob/main/docs/config.md (model_providers, CODEX_HOME),
 * https://github.com/google-gemini/gemini-cli/blob/main/docs/get-started/authentication.md
 * and the variables the gemini-cli 0.61 bundle reads.
 */
export const presetCredentials: Readonly<Record<PresetName, readonly string[]>> = {
  claude: [
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_AUTH_TOKEN',
    'CLAUDE_CODE_OAUTH_TOKEN',
    'ANTHROPIC_BASE_URL',
    'ANTHROPIC_CUSTOM_HEADERS',
    'ANTHROPIC_MODEL',
    'ANTHROPIC_DEFAULT_OPUS_MODEL',
    'ANTHROPIC_DEFAULT_SONNET_MODEL',
    'ANTHROPIC_DEFAULT_HAIKU_MODEL',
    'CLAUDE_CONFIG_DIR',
    'CLAUDE_CODE_USE_BEDROCK',
    'ANTHROPIC_BEDROCK_BASE_URL',
    'AWS_REGION',
    'AWS_PROFILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_BEARER_TOKEN_BEDROCK',
    'CLAUDE_CODE_USE_VERTEX',
    'ANTHROPIC_VERTEX_BASE_URL',
    'ANTHROPIC_VERTEX_PROJECT_ID',
    'CLOUD_ML_REGION',
    'GOOGLE_APPLICATION_CREDENTIALS',
  ],
  codex: ['OPENAI_API_KEY', 'CODEX_API_KEY', 'OPENAI_BASE_URL', 'AZURE_OPENAI_API_KEY', 'CODEX_HOME'],
  gemini: [
    'GEMINI_API_KEY',
    'GOOGLE_API_KEY',
    'GOOGLE_GEMINI_BASE_URL',
    'GEMINI_MODEL',
    'GEMINI_CLI_HOME',
    'GOOGLE_GENAI_USE_VERTEXAI',
    'GOOGLE_GENAI_USE_GCA',
    'GOOGLE_CLOUD_PROJECT',
    'GOOGLE_CLOUD_LOCATION',
    'GOOGLE_CLOUD_ACCESS_TOKEN',
    'GOOGLE_VERTEX_BASE_URL',
    'GOOGLE_APPLICATION_CREDENTIALS',
  ],
  aider: ['OPENAI_API_KEY', 'OPENAI_API_BASE', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'AIDER_MODEL'],
};

/** The variables a custom command or preset may receive through the scrub (besides `allowEnv`). */
export function credentialEnv(setting: ExternalAgentSetting): readonly string[] {
  return typeof setting === 'object' ? [] : presetCredentials[setting];
}

/** How a CLI says it has no credentials, and what the user can do about it. */
export interface LoginHint {
  pattern: RegExp;
  /** The variables that authenticate it (any one is enough). */
  keys: string[];
  login: string;
}

export const loginHints: Readonly<Record<PresetName, LoginHint>> = {
  claude: {
    pattern: /Not logged in|Invalid API key|authentication_failed|Please run \/login/i,
    keys: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'],
    login:
      'run `claude` once and /login (each agent gets a copy of that login, which it cannot renew: run claude again when it has expired)',
  },
  codex: {
    pattern: /401 Unauthorized|Missing environment variable|not logged in|OPENAI_API_KEY|invalid_api_key/i,
    keys: ['OPENAI_API_KEY', 'CODEX_API_KEY'],
    login: 'run `codex login` once (each agent gets a copy of the login in ~/.codex or CODEX_HOME)',
  },
  gemini: {
    pattern: /GEMINI_API_KEY|Invalid auth method|auth method|unregistered callers|API key not valid/i,
    keys: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
    login: 'run `gemini` once and sign in with Google (each agent gets a copy of the login in ~/.gemini)',
  },
  aider: {
    pattern: /API key|AuthenticationError/i,
    keys: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'],
    login: 'set the key of the model aider uses',
  },
};

const placeholder = '{prompt}';
export const mcpServerName = 'maestro';

/** Claude Code's permission rules for the commands maestro lets agents run (exact, or with more arguments). */
export function claudeCommandRules(commands: readonly string[]): string[] {
  return commands.flatMap((command) => [`Bash(${command})`, `Bash(${command}:*)`]);
}

/**
 * The argument vector for an external agent CLI, in its non-interactive structured mode, allowed
 * to edit files without asking (it runs alone in its own worktree), with maestro's MCP server for
 * this process only. Checked against claude 2.1.197, codex-cli 0.171.0 and gemini-cli 0.61.0;
 * aider (a Python tool) is not tested. Why each permission: src/agent/README.md.
 */
export function externalCommand(setting: ExternalAgentSetting, ctx: InvocationContext): ExternalCommand {
  if (typeof setting === 'object') {
    const argv = setting.command.map((arg) => arg.split(placeholder).join(ctx.prompt));
    return { name: setting.command[0] ?? 'agent', argv, format: 'lines' };
  }
  const argv = presetArgv(setting, ctx);
  return { name: setting, argv, format: setting === 'aider' ? 'lines' : setting };
}

function presetArgv(setting: PresetName, ctx: InvocationContext): string[] {
  switch (setting) {
    case 'claude': {
      const allowed = [...claudeCommandRules(ctx.commands), ...(ctx.mcpUrl ? [`mcp__${mcpServerName}`] : [])];
      return [
        'claude',
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--permission-mode',
        'acceptEdits',
        ...(allowed.length > 0 ? [`--allowedTools=${allowed.join(',')}`] : []),
        ...(ctx.mcpUrl
          ? [
              `--mcp-config=${JSON.stringify({ mcpServers: { [mcpServerName]: { type: 'http', url: ctx.mcpUrl } } })}`,
              '--strict-mcp-config',
            ]
          : []),
        ...(ctx.taskUsd !== null ? ['--max-budget-usd', String(ctx.taskUsd)] : []),
        '--',
        ctx.prompt,
      ];
    }
    case 'codex':
      return [
        'codex',
        'exec',
        '--json',
        '--sandbox',
        // codex's own sandbox is a bubblewrap of its own, which cannot start inside maestro's (no
        // capabilities there to map its user namespace: apply_patch fails with "Failed to write
        // file"; https://github.com/openai/codex/issues/23762). codex's docs: where the container
        // provides the isolation, run it with danger-full-access inside
        // (https://github.com/openai/codex/blob/main/docs/sandbox.md, "Sandbox mechanics by
        // platform", Linux). maestro's sandbox then confines it and every command it runs: only the
        // worktree writable, the home hidden, only its API and MCP hosts reachable.
        ctx.confined ? 'danger-full-access' : 'workspace-write',
        // exec's approval policy is "never": without "approve" every MCP call would be refused.
        ...(ctx.mcpUrl
          ? [
              '-c',
              `mcp_servers.${mcpServerName}.url=${JSON.stringify(ctx.mcpUrl)}`,
              '-c',
              `mcp_servers.${mcpServerName}.default_tools_approval_mode="approve"`,
            ]
          : []),
        '--',
        ctx.prompt,
      ];
    case 'aider':
      return ['aider', '--yes-always', '--no-auto-commits', '--no-pretty', '--message', ctx.prompt];
    case 'gemini':
      // Without --skip-trust, gemini-cli turns --yolo back into prompting in a folder it has not seen.
      // Its MCP server and auth type come from a per-process settings file (see gemini-settings.ts).
      return ['gemini', '--skip-trust', '--yolo', '--output-format', 'stream-json', '--prompt', ctx.prompt];
    default:
      return checkExhaustive(setting);
  }
}
