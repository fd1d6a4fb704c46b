import { realSandbox } from '../helpers/sandbox.js';
import { configSchema, type ConfigInput, type MaestroConfig } from '../../src/config/schema.js';
import type { FakeScenario, FakeServer } from '../../src/llm/fake/index.js';
import { createOpenAiProvider } from '../../src/llm/openai.js';
import { createRedactor } from '../../src/util/redact.js';
import { SharedMemory, buildSharedPrefix } from '../../src/agent/index.js';
import { createLocalExecutor } from '../../src/executor/local.js';
import type { StartedRun } from '../../src/orchestrator/run-job.js';
import { gitCommonDir } from '../../src/orchestrator/run-paths.js';
import { tempDir } from '../helpers/repo.js';

export { fakeServer } from '../helpers/fake-server.js';

export async function e2eConfig(input: ConfigInput = {}): Promise<MaestroConfig> {
  return configSchema.parse({
    worktreeDir: await tempDir('maestro-wt-'),
    agentLimits: { maxTurns: 6 },
    ...input,
  });
}

/** The real executor (worktrees, built-in agent on the fake OpenAI server, validation, merge). */
export function realExecutor(repo: string, config: MaestroConfig, server: FakeServer) {
  return async (run: StartedRun) => {
    const sharedPrefix = await buildSharedPrefix(repo, config);
    return createLocalExecutor({
      repo,
      runId: run.runId,
      plan: run.plan,
      config,
      worktreeRoot: config.worktreeDir as string,
      sharedPrefix,
      memory: new SharedMemory(),
      llmFor: () => ({
        streamer: createOpenAiProvider({
          apiKey: 'test-key',
          baseURL: server.openaiBaseURL,
          redact: createRedactor({}),
        }),
        providerName: 'openai',
        model: 'gpt-4o',
        costOf: (usage) => usage.outputTokens * 0.0001,
      }),
      state: () => run.scheduler.current,
      sandbox: await realSandbox(repo, config.worktreeDir as string),
    });
  };
}

export const commonDirOf = gitCommonDir;

/** Rules for one task: turn 0 does `first`, the next turn finishes. */
type ToolCall = { name: string; arguments: Record<string, unknown> };

export function taskRules(
  id: string,
  /** The tool call(s) of the task's first turn. */
  first: ToolCall | ToolCall[],
  options: {
    latencyMs?: number;
    summary?: string;
    /** The finish is held until this rule has answered, then `finishLatencyMs` more. */
    finishAfter?: string;
    finishLatencyMs?: number;
  } = {},
): FakeScenario['rules'] {
  return [
    {
      name: `${id}-0`,
      match: { anyMessage: `(id ${id})`, turn: 0 },
      reply: { toolCalls: [first].flat(), latencyMs: options.latencyMs ?? 0 },
    },
    {
      name: `${id}-1`,
      match: { anyMessage: `(id ${id})`, turn: 1 },
      reply: {
        toolCalls: [{ name: 'finish', arguments: { summary: options.summary ?? `did ${id}` } }],
        after: options.finishAfter,
        latencyMs: options.finishLatencyMs,
      },
    },
  ];
}
