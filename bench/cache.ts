// Prompt caching across one run: 20 built-in agents on one shared prefix (system prompt + tools)
// against the strict fake server with the models' real minimum cacheable lengths.
// Run: npx tsx bench/cache.ts [agents=20] [turns=6]
// Reports, per provider, the share of input tokens read from the cache and the dollar cost against
// the same run with caching off (the fake told to cache nothing), measured in the same run.
import { runBuiltinAgent } from '../src/agent/builtin.js';
import { SharedMemory } from '../src/agent/shared-memory.js';
import { configSchema } from '../src/config/schema.js';
import { startFakeServer, type FakeScenario } from '../src/llm/fake/index.js';
import { createLlm } from '../src/llm/llm.js';
import { addUsage, emptyUsage, type SystemSegment, type Usage } from '../src/llm/types.js';

const agents = Number(process.argv[2] ?? 20);
const turns = Number(process.argv[3] ?? 6);
const MODELS = { anthropic: 'claude-sonnet-5-5', openai: 'gpt-6.2-sol' } as const;
type Provider = keyof typeof MODELS;

// A run's shared prefix: instructions, standards and a repository overview (~9k tokens).
const system: SystemSegment[] = [
  { text: 'You are a maestro coding agent. Use the tools; call finish when done.', cache: true },
  {
    text: `Coding standards:\n${'- keep functions small and typed; test what can break.\n'.repeat(60)}`,
    cache: true,
  },
  {
    text: `Repository overview:\n${'src/module/file.ts: exports helpers used by the CLI.\n'.repeat(600)}`,
    cache: true,
  },
];

const scenario = (noCache: boolean): FakeScenario => ({
  rules: Array.from({ length: turns - 1 }, (_, turn) => ({
    match: { turn },
    reply: {
      text: `Step ${turn + 1}.`,
      toolCalls: [{ name: 'read_file', arguments: { path: `src/f${turn}.ts` } }],
    },
  })),
  fallback: { toolCalls: [{ name: 'finish', arguments: { summary: 'done' } }] },
  ...(noCache ? { cacheMinTokens: 1e9 } : {}),
});

interface Result {
  usage: Usage;
  usd: number;
  failed: number;
}

async function measure(provider: Provider, noCache: boolean): Promise<Result> {
  const server = await startFakeServer(scenario(noCache), { port: 0 });
  try {
    const config = configSchema.parse({
      providers: {
        anthropic: { baseURL: server.anthropicBaseURL, maxConcurrent: 20 },
        openai: { baseURL: server.openaiBaseURL, api: 'responses', maxConcurrent: 20 },
      },
    });
    const llm = createLlm({
      config,
      env: { ANTHROPIC_API_KEY: 'sk-ant-bench', OPENAI_API_KEY: 'sk-bench' },
    });
    let usage = emptyUsage();
    let usd = 0;
    let failed = 0;
    const memory = new SharedMemory();
    await Promise.all(
      Array.from({ length: agents }, async (_, i) => {
        const outcome = await runBuiltinAgent({
          taskId: `t${i}`,
          agentId: `a${i}`,
          llm: llm.forTask(`t${i}`, MODELS[provider]),
          providerName: provider,
          model: MODELS[provider],
          system,
          taskMessage: `Task ${i}: update module ${i} and its tests.`,
          tools: {
            call: (name, args) =>
              Promise.resolve({
                ok: true,
                output: `${name} ${JSON.stringify(args)}:\n${'const x = 1;\n'.repeat(120)}`,
              }),
          },
          allowedCommands: [],
          memory,
          emit: () => undefined,
          maxTurns: turns + 2,
          maxToolCallsPerTurn: 50,
          maxToolCallsPerTask: 1000,
          cacheKey: 'bench-run',
        });
        usage = addUsage(usage, outcome.usage);
        if (outcome.status !== 'finished') failed++;
      }),
    );
    usd = llm.budget.runSpent();
    return { usage, usd, failed };
  } finally {
    await server.close();
  }
}

const total = (u: Usage) => u.inputTokens + u.cachedInputTokens + u.cacheWriteTokens;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

console.log(
  `${agents} agents × ${turns} turns on one shared prefix, strict fake server, real cache minimums\n`,
);
console.log(
  '| provider (model) | input tokens | read from cache | cache writes | cost cached | cost uncached | saved |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const provider of ['anthropic', 'openai'] as Provider[]) {
  const cached = await measure(provider, false);
  const baseline = await measure(provider, true);
  if (cached.failed + baseline.failed > 0) {
    console.error(`${provider}: ${cached.failed + baseline.failed} agent(s) did not finish`);
    process.exitCode = 1;
  }
  const share = cached.usage.cachedInputTokens / total(cached.usage);
  console.log(
    `| ${provider} (${MODELS[provider]}) | ${total(cached.usage)} | ${pct(share)} | ${cached.usage.cacheWriteTokens} | $${cached.usd.toFixed(4)} | $${baseline.usd.toFixed(4)} | ${pct(1 - cached.usd / baseline.usd)} |`,
  );
  if (share < 0.8) {
    console.error(`${provider}: cache share ${pct(share)} is under the 80% goal`);
    process.exitCode = 1;
  }
}
