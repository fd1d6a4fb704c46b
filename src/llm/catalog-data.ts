import type { ModelEntry, Price, Reasoning } from './catalog-types.js';

/**
 * The model catalog: the one place maestro knows models. Figures were read from the providers'
 * pages on the day in `checked` (stored copies of the pages, via the search tool); where a figure
 * was not printed on the model's own page, `note` says where it came from. Update an entry by
 * re-reading its `source`; add a model only with its exact id.
 */
const CHECKED = '2026-12-01';

const price = (
  input: number,
  cachedInput: number,
  cacheWrite: number,
  cacheWriteLong: number,
  output: number,
): Price => ({ input, cachedInput, cacheWrite, cacheWriteLong, output });

// OpenAI: over 272K input tokens the whole request pays 2x input and cache rates and 1.5x output
// (https://developers.openai.com/api/docs/models/gpt-6.2-sol, "For requests with more than 272K").
const openAiLong = (p: Price) => ({
  aboveInputTokens: 272_000,
  price: {
    input: p.input * 2,
    cachedInput: p.cachedInput * 2,
    cacheWrite: p.cacheWrite * 2,
    cacheWriteLong: p.cacheWriteLong * 2,
    output: p.output * 1.5,
  },
});

const EFFORTS_FROM_LOW = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
const effort = (canDisable: boolean, defaultEffort = 'medium'): Reasoning => ({
  style: 'effort',
  efforts: EFFORTS_FROM_LOW,
  defaultEffort,
  canDisable,
});

/** A GPT-6 / GPT-5.6 reasoning model on the Responses API: 1.05M window, 922K input, 128K output. */
function gpt(
  id: string,
  p: Price,
  canDisable: boolean,
  source: string,
  extra: Partial<ModelEntry> = {},
): ModelEntry {
  return {
    id,
    provider: 'openai',
    api: 'responses',
    status: 'current',
    contextWindow: 1_050_000,
    maxInputTokens: 922_000,
    maxOutputTokens: 128_000,
    reasoning: effort(canDisable),
    // "temperature only applies with reasoning_effort=none" (docs.litellm.ai/blog/gpt_6_sol_luna).
    temperature: canDisable ? 'reasoning-off' : 'never',
    topP: canDisable ? 'reasoning-off' : 'never',
    minCacheTokens: 1024,
    price: p,
    longContext: openAiLong(p),
    source,
    checked: CHECKED,
    ...extra,
  };
}

const ANTHROPIC_EFFORTS = ['low', 'medium', 'high', 'max'] as const;
const adaptive = (canDisable: boolean, defaultEffort: string): Reasoning => ({
  style: 'adaptive',
  efforts: ANTHROPIC_EFFORTS,
  defaultEffort,
  canDisable,
});

/** Extended thinking with budget_tokens: off unless the request asks for it. */
const BUDGET_THINKING: Reasoning = { style: 'budget', efforts: [], defaultEffort: null, canDisable: true };

/** A Claude model on the Messages API; the API version the SDK sends refuses temperature/top_p. */
function claude(
  id: string,
  p: Price,
  reasoning: Reasoning,
  minCacheTokens: number,
  source: string,
  extra: Partial<ModelEntry> = {},
): ModelEntry {
  return {
    id,
    provider: 'anthropic',
    api: 'messages',
    status: 'current',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    reasoning,
    temperature: 'never',
    topP: 'never',
    minCacheTokens,
    price: p,
    source,
    checked: CHECKED,
    ...extra,
  };
}

const OLLAMA_NUM_CTX = 65_536;
/** An Ollama library model: free, no prompt cache, `num_ctx` 64k (or its window when smaller). */
function ollama(id: string, contextWindow: number, reasoning: Reasoning | null, note?: string): ModelEntry {
  return {
    id,
    provider: 'ollama',
    api: 'ollama-chat',
    status: 'current',
    contextWindow,
    maxOutputTokens: Math.min(contextWindow, 32_768),
    reasoning,
    temperature: 'always',
    topP: 'always',
    minCacheTokens: 0,
    price: null,
    numCtx: Math.min(contextWindow, OLLAMA_NUM_CTX),
    source: `https://ollama.com/library/${id}`,
    checked: CHECKED,
    ...(note ? { note } : {}),
  };
}

const GEMINI_PRICING = 'https://ai.google.dev/gemini-api/docs/pricing';

/**
 * A Gemini model as Gemini CLI uses it: 1M window, thinking on (billed as output), implicit
 * caching (a read at 10% of input, no write charge), a dearer rate above 200K input on Pro models.
 */
function gemini(id: string, p: Price, maxOutputTokens: number, above200k?: Price): ModelEntry {
  return {
    id,
    provider: 'google',
    api: 'gemini',
    status: 'current',
    contextWindow: 1_048_576,
    maxOutputTokens,
    reasoning: null,
    temperature: 'always',
    topP: 'always',
    minCacheTokens: 1024,
    price: p,
    ...(above200k && { longContext: { aboveInputTokens: 200_000, price: above200k } }),
    source: GEMINI_PRICING,
    checked: CHECKED,
    note: 'read from copies of the pricing page (search tool, pages corpus); reasoning is left to Gemini CLI',
  };
}

const OPENAI_MODELS = 'https://developers.openai.com/api/docs/models';
const CLAUDE_MODELS = 'https://platform.claude.com/docs/en/about-claude/models/whats-new-opus-5';
const CLAUDE_PRICING = 'https://platform.claude.com/docs/en/about-claude/pricing';

export const MODEL_CATALOG: readonly ModelEntry[] = [
  // ── OpenAI ──────────────────────────────────────────────────────────────────────────────────
  gpt('gpt-6.2-astra', price(8, 0.4, 10, 20, 40), false, `${OPENAI_MODELS}/gpt-6.2-astra`, {
    note: 'cache writes taken as 1.25x / 2.5x input like every GPT-6 page that prints them',
  }),
  gpt('gpt-6.2-sol', price(2, 0.1, 2.5, 5, 10), false, `${OPENAI_MODELS}/gpt-6.2-sol`),
  gpt('gpt-6.1-terra', price(1, 0.05, 1.25, 2.5, 5), true, `${OPENAI_MODELS}/gpt-6.1-terra`),
  gpt('gpt-6-luna', price(0.1, 0.01, 0.125, 0.25, 0.5), true, `${OPENAI_MODELS}/gpt-6-luna`),
  gpt('gpt-6.1-sol', price(2, 0.1, 2.5, 5, 10), false, `${OPENAI_MODELS}/gpt-6.1-sol`, { status: 'legacy' }),
  gpt('gpt-6-sol', price(2, 0.2, 2.5, 5, 10), true, `${OPENAI_MODELS}/gpt-6-sol`, { status: 'legacy' }),
  gpt('gpt-6-astra', price(10, 1, 12.5, 25, 50), false, `${OPENAI_MODELS}/gpt-6-astra`, {
    status: 'legacy',
  }),
  gpt('gpt-5.6-sol', price(4, 0.4, 5, 10, 20), true, `${OPENAI_MODELS}/gpt-5.6-sol`, {
    aliases: ['gpt-5.6'],
    status: 'legacy',
    note: 'cache-write rates not printed; taken as 1.25x / 2.5x input',
  }),
  gpt('gpt-5.6-terra', price(2, 0.2, 2.5, 5, 12), true, `${OPENAI_MODELS}/gpt-5.6-terra`, {
    status: 'legacy',
    note: 'cache-write rates not printed; taken as 1.25x / 2.5x input',
  }),
  gpt('gpt-5.6-luna', price(0.2, 0.02, 0.25, 0.5, 1.2), true, `${OPENAI_MODELS}/gpt-5.6-luna`, {
    status: 'legacy',
    note: 'cache-write rates not printed; taken as 1.25x / 2.5x input',
  }),

  // ── Anthropic ───────────────────────────────────────────────────────────────────────────────
  // Minimum cacheable prefixes: 512 Opus 5 / Fable 5; 1,024 Opus 4.8, Sonnet 5, Sonnet 4.6/4.5;
  // 2,048 Opus 4.7; 4,096 Opus 4.6/4.5, Haiku 4.5 (platform.claude.com/docs/en/build-with-claude/
  // prompt-caching, quoted in github.com/affaan-m/ECC/pull/3173). Later models: see each note.
  claude('claude-fable-5-2', price(8, 0.2, 10, 16, 40), adaptive(false, 'high'), 512, CLAUDE_PRICING, {
    note: 'released 2026-11-09; cache minimum carried over from Fable 5.1',
  }),
  claude('claude-fable-5-1', price(10, 0.25, 12.5, 20, 50), adaptive(false, 'high'), 512, CLAUDE_PRICING),
  claude('claude-opus-5-5', price(4, 0.2, 5, 8, 20), adaptive(false, 'medium'), 512, CLAUDE_MODELS, {
    note: 'thinking cannot be disabled; cache minimum carried over from Opus 5',
  }),
  claude('claude-sonnet-5-5', price(2, 0.1, 2.5, 4, 10), adaptive(true, 'high'), 1024, CLAUDE_MODELS, {
    note: 'cache read cut to $0.10 on 2026-10-07; cache minimum carried over from Sonnet 5',
  }),
  claude(
    'claude-haiku-5-5',
    price(0.1, 0.01, 0.125, 0.2, 0.5),
    adaptive(true, 'medium'),
    1024,
    CLAUDE_MODELS,
    {
      // "Haiku 5.5, prompt > 100k: $0.50 / $2.50" (docs.rs/synaps pricing, from CLAUDE_PRICING).
      longContext: { aboveInputTokens: 100_000, price: price(0.5, 0.05, 0.625, 1, 2.5) },
      note: 'cache minimum not printed; 1,024 assumed',
    },
  ),
  claude('claude-opus-5', price(5, 0.5, 6.25, 10, 25), adaptive(true, 'high'), 512, CLAUDE_MODELS, {
    status: 'legacy',
  }),
  claude('claude-sonnet-5', price(2, 0.2, 2.5, 4, 10), adaptive(true, 'high'), 1024, CLAUDE_MODELS, {
    status: 'legacy',
  }),
  claude('claude-opus-4-8', price(5, 0.5, 6.25, 10, 25), adaptive(true, 'high'), 1024, CLAUDE_PRICING, {
    status: 'legacy',
  }),
  claude('claude-opus-4-7', price(5, 0.5, 6.25, 10, 25), adaptive(true, 'high'), 2048, CLAUDE_PRICING, {
    status: 'legacy',
  }),
  claude('claude-opus-4-6', price(5, 0.5, 6.25, 10, 25), adaptive(true, 'high'), 4096, CLAUDE_PRICING, {
    status: 'legacy',
  }),
  claude('claude-sonnet-4-6', price(3, 0.3, 3.75, 6, 15), adaptive(true, 'high'), 1024, CLAUDE_PRICING, {
    status: 'legacy',
  }),
  claude('claude-sonnet-4-5', price(3, 0.3, 3.75, 6, 15), BUDGET_THINKING, 1024, CLAUDE_PRICING, {
    aliases: ['claude-sonnet-4-5-20250929'],
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    status: 'legacy',
    note: '1M window only with the context-1m beta, which maestro does not send',
  }),
  claude('claude-opus-4-5', price(5, 0.5, 6.25, 10, 25), BUDGET_THINKING, 4096, CLAUDE_PRICING, {
    aliases: ['claude-opus-4-5-20251101'],
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    status: 'legacy',
  }),
  claude('claude-haiku-4-5', price(1, 0.1, 1.25, 2, 5), BUDGET_THINKING, 4096, CLAUDE_PRICING, {
    aliases: ['claude-haiku-4-5-20251001'],
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    status: 'legacy',
  }),

  // ── Google Gemini (what Gemini CLI agents use; maestro itself calls no Gemini API) ────────────
  gemini('gemini-3.1-pro-preview', price(2, 0.2, 2, 2, 12), 65_536, price(4, 0.4, 4, 4, 18)),
  gemini('gemini-3-flash-preview', price(0.5, 0.05, 0.5, 0.5, 3), 65_536),
  gemini('gemini-3.1-flash-lite-preview', price(0.25, 0.025, 0.25, 0.25, 1.5), 65_536),
  gemini('gemini-2.5-pro', price(1.25, 0.125, 1.25, 1.25, 10), 65_536, price(2.5, 0.25, 2.5, 2.5, 15)),
  gemini('gemini-2.5-flash', price(0.3, 0.03, 0.3, 0.3, 2.5), 65_536),
  gemini('gemini-2.5-flash-lite', price(0.1, 0.01, 0.1, 0.1, 0.4), 65_536),

  // ── Ollama (local, free) ────────────────────────────────────────────────────────────────────
  ollama('qwen3-coder', 262_144, null, 'non-thinking; native 256K window'),
  ollama('qwen3', 40_960, { style: 'ollama', efforts: [], defaultEffort: 'on', canDisable: true }),
  ollama('gpt-oss', 131_072, {
    style: 'ollama',
    efforts: ['low', 'medium', 'high'],
    defaultEffort: 'medium',
    canDisable: false,
  }),
  ollama('deepseek-r1', 131_072, { style: 'ollama', efforts: [], defaultEffort: 'on', canDisable: true }),
  ollama('llama3.3', 131_072, null),
  ollama('devstral', 131_072, null),

  // ── The fake server's small-window models (context-management tests) ─────────────────────────
  {
    ...gpt('maestro-test-small-gpt', price(1, 0.1, 1.25, 2.5, 5), true, 'src/llm/fake/README.md', {
      status: 'test',
      contextWindow: 8192,
      maxInputTokens: 8192,
      maxOutputTokens: 2048,
    }),
    longContext: undefined,
  },
  claude(
    'maestro-test-small-claude',
    price(1, 0.1, 1.25, 2, 5),
    adaptive(true, 'high'),
    1024,
    'src/llm/fake/README.md',
    {
      status: 'test',
      contextWindow: 8192,
      maxOutputTokens: 2048,
    },
  ),
];
