/**
 * The one interface the orchestrator uses to talk to any model: a streaming chat turn with tools,
 * cancellable with an AbortSignal. Providers live beside this file; the fake server in fake/.
 */
export type ProviderName = 'openai' | 'anthropic' | 'ollama';

/** JSON Schema of a tool's arguments (an object schema). */
export type JsonSchema = Record<string, unknown>;

export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export interface ToolCall {
  id: string;
  name: string;
  /** Parsed arguments; `undefined` when the model sent JSON that does not parse (see parseError). */
  arguments: unknown;
  /** The arguments exactly as the model sent them. */
  rawArguments: string;
  parseError?: string;
}

/**
 * An assistant turn exactly as the provider returned it (every content block, in order), for
 * providers that need it back verbatim: Anthropic thinking and redacted_thinking blocks must
 * return unchanged, signatures intact, beside the tool results. Sent back only to its provider.
 */
export interface ProviderReplay {
  provider: ProviderName;
  content: unknown[];
}

export type Message =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[]; replay?: ProviderReplay }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

/**
 * The system prompt as ordered segments. Segments marked `cache: true` form the byte-identical
 * prefix shared by every agent of a run (system prompt, coding standards, repository overview);
 * providers place their cache markers (`cache_control`, `prompt_cache_key`) at the last one.
 */
export interface SystemSegment {
  text: string;
  cache?: boolean;
}

export interface TurnRequest {
  model: string;
  system: SystemSegment[];
  messages: Message[];
  tools?: ToolSpec[];
  maxOutputTokens?: number;
  temperature?: number;
  /** Groups requests that share a prefix (OpenAI `prompt_cache_key`), typically the run id. */
  cacheKey?: string;
  signal?: AbortSignal;
  /**
   * Called whenever bytes of the answer arrive (SSE or NDJSON lines, argument deltas, thinking,
   * pings): the stall watchdog's clock, so a slow but live stream is never taken for a stall.
   */
  onWireActivity?: () => void;
}

export interface Usage {
  /** Input tokens billed at the full rate (excludes cached reads and cache writes). */
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
}

/**
 * Why a turn ended. `pause_turn`: the API paused a long turn, send it back to continue;
 * `refusal`: the model declined; `context_window`: the conversation filled the model's window.
 */
export type StopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'stop_sequence'
  | 'pause_turn'
  | 'refusal'
  | 'context_window'
  | 'other';

export type TurnEvent =
  | { type: 'text'; delta: string }
  /** The model's visible reasoning, streamed; shown and recorded, never sent back as text. */
  | { type: 'thinking'; delta: string }
  /** Something the user should know about this request (e.g. a prompt larger than the context). */
  | { type: 'warning'; message: string }
  | { type: 'tool_call'; call: ToolCall }
  | {
      type: 'done';
      stopReason: StopReason;
      usage: Usage;
      replay?: ProviderReplay;
      /** Output tokens spent on reasoning (already within usage.outputTokens), where reported. */
      reasoningTokens?: number;
    };

export interface TurnResult {
  text: string;
  toolCalls: ToolCall[];
  stopReason: StopReason;
  usage: Usage;
  replay?: ProviderReplay;
}

export interface Provider {
  readonly name: ProviderName;
  /** One model turn. Yields text deltas as they stream, each tool call once complete, then `done`. */
  stream(request: TurnRequest): AsyncIterable<TurnEvent>;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0 };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    outputTokens: a.outputTokens + b.outputTokens,
  };
}
