import type { MaestroConfig } from '../config/schema.js';
import { createRedactor, type Redactor } from '../util/redact.js';
import { createAnthropicProvider } from './anthropic.js';
import { Budget } from './budget.js';
import { CacheGate, prefixKey } from './cache-gate.js';
import { LlmError, toLlmError, type LlmErrorKind } from './errors.js';
import { Limiter } from './limiter.js';
import { createOllamaProvider } from './ollama.js';
import { createOpenAiProvider } from './openai.js';
import type { ModelFactsLookup } from './model-facts.js';
import { catalogFacts } from './catalog.js';
import { costOf } from './pricing.js';
import {
  keyVariables,
  providerSetup,
  resolveModel,
  type Env,
  type ProviderChoice,
  type ResolvedModel,
} from './resolve.js';
import type { ProviderOptions } from './provider-options.js';
import { WireClock, withStallTimeout } from './stall.js';
import { taskProvider } from './task-provider.js';
import type {
  Provider,
  ProviderName,
  ProviderReplay,
  StopReason,
  ToolCall,
  TurnRequest,
  Usage,
} from './types.js';

export interface RetryPolicy {
  /** Attempts for failures before an answer began (429, 5xx, connection). */
  maxAttempts: number;
  /** Restarts of a turn whose stream broke after it began. */
  maxStreamRestarts: number;
  /** Restarts of a turn whose stream went silent for stallTimeoutMs (each one is paid for again). */
  maxStallRestarts: number;
  /** Back-off for 5xx/connection failures: base·2ⁿ, capped. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A stream with no byte on the wire for this long is abandoned and restarted. */
  stallTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  maxStreamRestarts: 2,
  maxStallRestarts: 1,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  stallTimeoutMs: 90_000,
};

/**
 * What `Llm.stream` yields. Text streams live; tool calls come only from the attempt that
 * finished, just before `done`. A `retry` means the turn restarts: drop text received since the
 * previous `retry` (or the start) when `discardText` is true.
 */
export type LlmEvent =
  | { type: 'text'; delta: string }
  | { type: 'thinking'; delta: string }
  | { type: 'warning'; message: string }
  | { type: 'tool_call'; call: ToolCall }
  | {
      type: 'retry';
      attempt: number;
      kind: LlmErrorKind;
      reason: string;
      delayMs: number;
      discardText: boolean;
    }
  | {
      type: 'done';
      stopReason: StopReason;
      usage: Usage;
      costUsd: number;
      /** false when the model has no price: costUsd is 0 and the UI should say "price unknown". */
      priceKnown: boolean;
      provider: ProviderName;
      /** As requested (e.g. `ollama:llama3`), so `priceOf(model)` prices it the same way. */
      model: string;
      attempts: number;
      /** The assistant turn as the provider returned it, to send back verbatim (thinking blocks). */
      replay?: ProviderReplay;
    };

export interface TurnOutcome {
  text: string;
  toolCalls: ToolCall[];
  stopReason: StopReason;
  usage: Usage;
  costUsd: number;
  priceKnown: boolean;
  replay?: ProviderReplay;
}

export interface Llm {
  /** Model (default: config.defaultModel) to provider, checking the key: call before any agent starts. */
  prepare(model?: string): ResolvedModel;
  /** One turn through the shared limiter, cache warm-up, retries and pricing; cost is added to `budget`. */
  stream(request: TurnRequest, context: { taskId: string }): AsyncIterable<LlmEvent>;
  /** `stream` collected: the finished attempt's text and tool calls. */
  complete(request: TurnRequest, context: { taskId: string }): Promise<TurnOutcome>;
  /**
   * A plain Provider for one task (planner, builtin agent): same limiter, retries and budget,
   * TurnEvents only; see taskProvider for how restarted turns stay exactly-once.
   */
  forTask(taskId: string, model?: string): Provider;
  readonly budget: Budget;
  readonly redact: Redactor;
  limiter(provider: ProviderName): Limiter;
}

export interface LlmOptions {
  config: MaestroConfig;
  /** Where keys and hosts come from (normally process.env). */
  env: Env;
  /** `--provider` from the command line. */
  provider?: ProviderChoice;
  retry?: Partial<RetryPolicy>;
  /** Token window of the limiters (default one minute). */
  rateWindowMs?: number;
  /** Facts of each model (context, output cap, thinking, sampling); default: the model catalog. */
  modelFacts?: ModelFactsLookup;
}

const estimateTokens = (request: TurnRequest): number =>
  Math.ceil(JSON.stringify([request.system, request.messages, request.tools ?? []]).length / 4) +
  (request.maxOutputTokens ?? 1024);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** The LLM layer as the orchestrator uses it: one client and one limiter per provider. */
export function createLlm(options: LlmOptions): Llm {
  const { config, env } = options;
  const policy = { ...DEFAULT_RETRY, ...options.retry };
  const redact = createRedactor(env, keyVariables(config));
  const budget = new Budget(config.budget);
  const gate = new CacheGate();
  const limiters = new Map<ProviderName, Limiter>();
  const providers = new Map<ProviderName, Provider>();
  const factories: Record<ProviderName, (o: ProviderOptions) => Provider> = {
    openai: createOpenAiProvider,
    anthropic: createAnthropicProvider,
    ollama: createOllamaProvider,
  };

  function limiterFor(name: ProviderName): Limiter {
    let limiter = limiters.get(name);
    if (!limiter) {
      const setup = providerSetup(name, config, env);
      limiter = new Limiter({
        provider: name,
        maxConcurrent: setup.maxConcurrent,
        tokensPerMinute: setup.tokensPerMinute,
        ...(options.rateWindowMs ? { windowMs: options.rateWindowMs } : {}),
      });
      limiters.set(name, limiter);
    }
    return limiter;
  }

  function providerFor(name: ProviderName): Provider {
    let provider = providers.get(name);
    if (!provider) {
      const setup = providerSetup(name, config, env);
      const limiter = limiterFor(name);
      provider = factories[name]({
        ...(setup.apiKey ? { apiKey: setup.apiKey } : {}),
        ...(setup.baseURL ? { baseURL: setup.baseURL } : {}),
        onHeaders: (headers) => limiter.observeHeaders(headers),
        redact,
        modelFacts: options.modelFacts ?? catalogFacts,
        ...(setup.thinking !== undefined ? { thinking: setup.thinking } : {}),
        ...(setup.numCtx !== undefined ? { numCtx: setup.numCtx } : {}),
        ...(name === 'openai' ? { openaiApi: setup.api } : {}),
        ...(setup.reasoningEffort !== undefined ? { reasoningEffort: setup.reasoningEffort } : {}),
      });
      providers.set(name, provider);
    }
    return provider;
  }

  function prepare(model = config.defaultModel): ResolvedModel {
    const resolved = resolveModel(model, config, options.provider);
    providerFor(resolved.provider);
    return resolved;
  }

  const backoffMs = (attempt: number) => Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));

  async function* stream(request: TurnRequest, context: { taskId: string }): AsyncIterable<LlmEvent> {
    const { provider: name, model } = prepare(request.model);
    const provider = providerFor(name);
    const limiter = limiterFor(name);
    const turn: TurnRequest = { ...request, model };
    const key = prefixKey(name, turn);
    let warming =
      key !== null &&
      (await gate.enter(key, request.signal).catch(() => {
        throw new LlmError(
          name,
          'aborted',
          `the ${name} request was cancelled while waiting for the cache warm-up`,
        );
      }));
    let restarts = 0;
    try {
      for (let attempt = 1; ; attempt++) {
        const permit = await limiter.acquire(estimateTokens(turn), request.signal);
        const attemptAbort = new AbortController();
        const signal = request.signal
          ? AbortSignal.any([request.signal, attemptAbort.signal])
          : attemptAbort.signal;
        const calls: ToolCall[] = [];
        let sawText = false;
        let failure: LlmError | undefined;
        const clock = new WireClock();
        try {
          const events = withStallTimeout(
            provider.stream({ ...turn, signal, onWireActivity: clock.touch }),
            policy.stallTimeoutMs,
            name,
            () => attemptAbort.abort(),
            clock,
          );
          for await (const event of events) {
            if (warming && key) {
              gate.warmed(key);
              warming = false;
            }
            if (event.type === 'text') {
              sawText = true;
              yield event;
            } else if (event.type === 'thinking' || event.type === 'warning') yield event;
            else if (event.type === 'tool_call') calls.push(event.call);
            else {
              const u = event.usage;
              permit.release(u.inputTokens + u.cachedInputTokens + u.cacheWriteTokens + u.outputTokens);
              limiter.succeeded();
              const cost = costOf(request.model, event.usage, config.pricing, name);
              budget.add(context.taskId, cost.usd);
              if (!cost.known) budget.unpricedModels.add(request.model);
              for (const call of calls) yield { type: 'tool_call', call };
              yield {
                type: 'done',
                stopReason: event.stopReason,
                usage: event.usage,
                costUsd: cost.usd,
                priceKnown: cost.known,
                provider: name,
                model: request.model,
                attempts: attempt,
                ...(event.replay ? { replay: event.replay } : {}),
              };
              return;
            }
          }
          failure = new LlmError(name, 'stream', `the ${name} stream ended without finishing the turn`);
        } catch (error) {
          failure = toLlmError(name, error, { started: true, signal: request.signal }, redact);
          // Pause everyone before this slot frees up, or a queued caller would slip through.
          if (failure.kind === 'rate_limit') limiter.rateLimited(failure.retryAfterMs ?? backoffMs(attempt));
        } finally {
          permit.release();
        }
        if (request.signal?.aborted) throw new LlmError(name, 'aborted', `the ${name} request was cancelled`);
        const broken = failure.kind === 'stream' || failure.kind === 'stalled';
        const restartLimit = failure.kind === 'stalled' ? policy.maxStallRestarts : policy.maxStreamRestarts;
        if (!failure.retryable || (broken ? ++restarts > restartLimit : attempt >= policy.maxAttempts)) {
          throw failure;
        }
        // A broken or silent stream waits too: restarting at once meets the same trouble.
        const delayMs =
          failure.kind === 'rate_limit'
            ? (failure.retryAfterMs ?? backoffMs(attempt))
            : broken
              ? backoffMs(restarts)
              : backoffMs(attempt);
        yield {
          type: 'retry',
          attempt,
          kind: failure.kind,
          reason: failure.message,
          delayMs,
          discardText: sawText,
        };
        // Rate limits wait inside the limiter, for everyone; other failures wait here.
        if (failure.kind !== 'rate_limit' && delayMs > 0) await sleep(delayMs, request.signal);
      }
    } finally {
      if (warming && key) gate.failed(key);
    }
  }

  async function complete(request: TurnRequest, context: { taskId: string }): Promise<TurnOutcome> {
    let text = '';
    const toolCalls: ToolCall[] = [];
    for await (const event of stream(request, context)) {
      if (event.type === 'text') text += event.delta;
      else if (event.type === 'tool_call') toolCalls.push(event.call);
      else if (event.type === 'retry') {
        if (event.discardText) text = '';
      } else if (event.type === 'done') {
        const { stopReason, usage, costUsd, priceKnown, replay } = event;
        return { text, toolCalls, stopReason, usage, costUsd, priceKnown, ...(replay ? { replay } : {}) };
      }
    }
    throw new LlmError(
      resolveModel(request.model, config, options.provider).provider,
      'stream',
      'the turn ended without an answer',
    );
  }

  function forTask(taskId: string, model?: string): Provider {
    return taskProvider(prepare(model).provider, (request) => stream(request, { taskId }));
  }

  return { prepare, stream, complete, forTask, budget, redact, limiter: limiterFor };
}
