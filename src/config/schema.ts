import { z } from 'zod';

/** The model maestro uses when nothing names one (a current catalog model). */
export const DEFAULT_MODEL = 'gpt-6.2-sol';

/** A command run through the user's shell (`sh -c`), as they would type it, with a timeout. */
const shellCommand = z.string().trim().min(1, 'expected a non-empty command');

const pricingEntry = z.strictObject({
  input: z.number().nonnegative(),
  cachedInput: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
  /** Cache write at the long retention (Anthropic 1 h, OpenAI 12 h); defaults to cacheWrite. */
  cacheWriteLong: z.number().nonnegative().optional(),
  output: z.number().nonnegative(),
});

const providerSettings = z.strictObject({
  /** Base URL of the API (any OpenAI-compatible server for `openai`; the Ollama host for `ollama`). */
  baseURL: z.string().url().optional(),
  /** Name of the environment variable holding the API key. */
  apiKeyEnv: z.string().optional(),
  maxConcurrent: z.number().int().positive().optional(),
  tokensPerMinute: z.number().int().positive().optional(),
  /**
   * OpenAI only: `responses` (/v1/responses) or `chat` (/v1/chat/completions, for compatible
   * servers). Default: responses for OpenAI's own endpoint, chat when a baseURL is set.
   */
  api: z.enum(['responses', 'chat']).optional(),
  /**
   * Reasoning effort sent to reasoning models (OpenAI `reasoning.effort`; Anthropic effort);
   * `none` switches reasoning off where the model allows. Default: the model's catalog default.
   */
  reasoningEffort: z.enum(['none', 'low', 'medium', 'high', 'xhigh', 'max']).optional(),
  /**
   * Anthropic thinking: `auto` (the catalog's default for the model), `adaptive`, `off`, or
   * `{ budgetTokens }` (at least 1024) for manual extended thinking.
   */
  thinking: z
    .union([
      z.enum(['auto', 'adaptive', 'off']),
      z.strictObject({ budgetTokens: z.number().int().min(1024) }),
    ])
    .optional(),
  /** Ollama: the context length asked for (`options.num_ctx`); default 65536 (coding agents need ≥ 64k). */
  numCtx: z.number().int().min(2048).optional(),
});

export const externalAgentPresets = ['claude', 'codex', 'aider', 'gemini'] as const;

const agentSetting = z.union([
  z.literal('builtin'),
  z.enum(externalAgentPresets),
  z.strictObject({
    /** Program and arguments; `{prompt}` is replaced by the task prompt as one argument. */
    command: z.array(z.string().min(1)).min(1),
  }),
]);

const templateSetting = z.strictObject({
  description: z.string().min(1),
  guidance: z.string().optional(),
  each: z.string().optional(),
  validate: z.array(shellCommand).optional(),
});

const hookCommand = z.union([
  shellCommand,
  z.strictObject({ command: shellCommand, timeoutSeconds: z.number().positive().optional() }),
]);

export const testFrameworks = [
  'jest',
  'vitest',
  'mocha',
  'node:test',
  'pytest',
  'go test',
  'cargo test',
] as const;

const agentLimitDefaults = {
  maxTurns: 40,
  taskTimeoutSeconds: 1800,
  commandTimeoutSeconds: 300,
  /** Calls beyond this in one model turn are answered "not executed". */
  maxToolCallsPerTurn: 50,
  /** Tool calls the model may ask for in one task before the agent is stopped. */
  maxToolCallsPerTask: 1000,
  /** Bytes one write_file / edit_file may write. */
  maxWriteBytes: 5_000_000,
};

const snapshotDefaults = { maxFileBytes: 20 * 1024 * 1024 };

/**
 * Where tasks run: on this machine (the default), or as BullMQ jobs on Redis that `maestro worker`
 * processes take, their branches coming back through a shared git remote.
 */
const executorSetting = z
  .strictObject({
    kind: z.enum(['local', 'queue']).default('local'),
    /** Redis URL (`redis://…`, `rediss://…` for TLS); `MAESTRO_REDIS_URL` when omitted. */
    redis: z.string().min(1).optional(),
    /** The git remote workers fetch bases from and push task branches to (any git URL). */
    remote: z.string().min(1).optional(),
    /** The BullMQ queue name: workers of one queue serve every run that names it. */
    queue: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'queue names are letters, digits, dashes and underscores')
      .default('maestro'),
    /**
     * How long the orchestrator waits for a silent Redis while tasks wait on their jobs; then those
     * tasks fail with a clear error (`maestro resume` re-adopts their jobs once Redis is back).
     */
    redisOutageSeconds: z.number().positive().default(300),
    /** A job no worker has taken for this long gets a warning (how many workers the queue has, what to do). */
    unclaimedWarnSeconds: z.number().positive().default(60),
  })
  .default({ kind: 'local', queue: 'maestro', redisOutageSeconds: 300, unclaimedWarnSeconds: 60 });

export const configSchema = z.strictObject({
  defaultModel: z.string().min(1).default(DEFAULT_MODEL),
  provider: z.enum(['auto', 'openai', 'anthropic', 'ollama']).default('auto'),
  providers: z
    .strictObject({
      openai: providerSettings.optional(),
      anthropic: providerSettings.optional(),
      ollama: providerSettings.optional(),
    })
    .default({}),
  maxAgents: z.number().int().min(1).max(64).default(4),
  codingStandards: z.string().min(1).nullable().default(null),
  testFramework: z.enum(testFrameworks).nullable().default(null),
  validate: z.array(shellCommand).default([]),
  validateTimeoutSeconds: z.number().positive().default(600),
  fixAttempts: z.number().int().min(0).max(10).default(2),
  excludePaths: z.array(z.string().min(1)).default(['node_modules/**', 'dist/**', 'build/**', 'coverage/**']),
  worktreeDir: z.string().min(1).nullable().default(null),
  worktreeInclude: z.array(z.string().min(1)).default([]),
  linkDependencies: z.array(z.strictObject({ dir: z.string().min(1), lockfile: z.string().min(1) })).default([
    { dir: 'node_modules', lockfile: 'package-lock.json' },
    { dir: 'node_modules', lockfile: 'pnpm-lock.yaml' },
    { dir: 'node_modules', lockfile: 'yarn.lock' },
    { dir: '.venv', lockfile: 'poetry.lock' },
  ]),
  setup: z
    .strictObject({ command: shellCommand, timeoutSeconds: z.number().positive().default(300) })
    .nullable()
    .default(null),
  /** Run the project's git commit hooks on snapshot commits (confined, scrubbed). Off: hooks are code agents can edit. */
  commitHooks: z.boolean().default(false),
  /** `auto`: every process started for an agent runs in an OS sandbox, and a run refuses to start without one; `off`: unconfined. */
  sandbox: z.enum(['auto', 'off']).default('auto'),
  /** `host:port` pairs that agent commands, validation, hooks and setup may connect to (none by default). */
  sandboxHosts: z
    .array(
      z
        .string()
        .regex(
          /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/,
          'expected host:port, e.g. registry.npmjs.org:443',
        ),
    )
    .default([]),
  merge: z
    .strictObject({
      /** Settle git's content conflicts by syntax where both sides provably touched different nodes. */
      structured: z.boolean().default(true),
    })
    .default({ structured: true }),
  budget: z
    .strictObject({
      runUsd: z.number().positive().nullable().default(null),
      taskUsd: z.number().positive().nullable().default(null),
    })
    .default({ runUsd: null, taskUsd: null }),
  pricing: z.record(z.string().min(1), pricingEntry).default({}),
  agent: agentSetting.default('builtin'),
  agentLimits: z
    .strictObject({
      maxTurns: z.number().int().positive().default(agentLimitDefaults.maxTurns),
      taskTimeoutSeconds: z.number().positive().default(agentLimitDefaults.taskTimeoutSeconds),
      commandTimeoutSeconds: z.number().positive().default(agentLimitDefaults.commandTimeoutSeconds),
      maxToolCallsPerTurn: z.number().int().positive().default(agentLimitDefaults.maxToolCallsPerTurn),
      maxToolCallsPerTask: z.number().int().positive().default(agentLimitDefaults.maxToolCallsPerTask),
      maxWriteBytes: z.number().int().positive().default(agentLimitDefaults.maxWriteBytes),
    })
    .default(agentLimitDefaults),
  /** What a snapshot commit leaves out: files above the size (unless LFS-tracked or allowed here). */
  snapshot: z
    .strictObject({
      maxFileBytes: z.number().int().positive().default(snapshotDefaults.maxFileBytes),
      allowLargeFiles: z.array(z.string().min(1)).default([]),
    })
    .default({ ...snapshotDefaults, allowLargeFiles: [] }),
  /** Globs of secret-looking files (dotenv, keys, credentials) the agents may read anyway. */
  allowSecretFiles: z.array(z.string().min(1)).default([]),
  allowCommands: z.array(shellCommand).default([]),
  allowEnv: z.array(z.string().min(1)).default([]),
  plugins: z.array(z.string().min(1)).default([]),
  templates: z.record(z.string().min(1), templateSetting).default({}),
  executor: executorSetting,
  hooks: z
    .strictObject({
      postCreate: hookCommand.optional(),
      preMerge: hookCommand.optional(),
      postRun: hookCommand.optional(),
    })
    .default({}),
});

export type MaestroConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type AgentSetting = MaestroConfig['agent'];
export type PricingEntry = z.infer<typeof pricingEntry>;
export type ProviderSettings = z.infer<typeof providerSettings>;
export type ExecutorSetting = z.infer<typeof executorSetting>;

/** The configuration with every default applied: what maestro uses when no file is found. */
export function defaultConfig(): MaestroConfig {
  return configSchema.parse({});
}
