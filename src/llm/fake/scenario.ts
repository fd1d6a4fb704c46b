import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../errors.js';

/**
 * A scenario is plain data (JSON/YAML) or built in code: ordered rules, first match wins.
 * See ./README.md for the format with examples.
 */

/** A substring, or `{ regex, flags }` (YAML/JSON), or a RegExp (code). */
const textMatch = z.union([
  z.string(),
  z.strictObject({ regex: z.string(), flags: z.string().optional() }),
  z.instanceof(RegExp),
]);
export type TextMatch = z.infer<typeof textMatch>;

const matchSchema = z.strictObject({
  provider: z.enum(['openai', 'anthropic', 'ollama', 'gemini']).optional(),
  model: textMatch.optional(),
  /** The whole system prompt (all segments joined). */
  system: textMatch.optional(),
  /** The last user-written message (not a tool result). */
  lastUser: textMatch.optional(),
  /** The last message of the conversation, whatever its role (often a tool result). */
  last: textMatch.optional(),
  /** Any message of the conversation. */
  anyMessage: textMatch.optional(),
  /** One of the tool results sent after the last assistant message. */
  toolResult: z.strictObject({ name: z.string().optional(), content: textMatch.optional() }).optional(),
  /** The request offers a tool with this name. */
  hasTool: z.string().optional(),
  /** Number of assistant messages already in the conversation (0 = first turn). */
  turn: z.number().int().nonnegative().optional(),
  /** A request header (lower-case name) contains this text. */
  header: z.strictObject({ name: z.string(), value: textMatch }).optional(),
});
export type FakeMatch = z.infer<typeof matchSchema>;

const toolCallSchema = z.strictObject({
  name: z.string().min(1),
  id: z.string().optional(),
  /** Arguments as an object; serialized as JSON. */
  arguments: z.record(z.string(), z.unknown()).optional(),
  /** Arguments sent verbatim (use for malformed JSON); wins over `arguments`. */
  rawArguments: z.string().optional(),
});
export type FakeToolCall = z.infer<typeof toolCallSchema>;

const usageSchema = z.strictObject({
  inputTokens: z.number().int().nonnegative().optional(),
  outputTokens: z.number().int().nonnegative().optional(),
  cachedInputTokens: z.number().int().nonnegative().optional(),
  cacheWriteTokens: z.number().int().nonnegative().optional(),
});

const replySchema = z.strictObject({
  text: z.string().optional(),
  toolCalls: z.array(toolCallSchema).optional(),
  stopReason: z
    .enum(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence', 'pause_turn', 'refusal', 'context_window'])
    .optional(),
  /**
   * Visible reasoning streamed before the answer (Anthropic thinking block with its signature,
   * Ollama `message.thinking`). A thinking Anthropic request gets a short one when this is unset.
   */
  thinking: z.string().optional(),
  /** Anthropic: a redacted_thinking block (encrypted data) before the answer. */
  redactedThinking: z.boolean().optional(),
  /** Characters of tool arguments per streamed delta (default 12). */
  argumentChunkChars: z.number().int().positive().optional(),
  /** The response bytes trickle: `bytes` at a time, every `everyMs`, whatever the chunks. */
  trickle: z
    .strictObject({ bytes: z.number().int().positive(), everyMs: z.number().nonnegative() })
    .optional(),
  /** Anthropic: `count` ping events, `everyMs` apart, before the content. */
  pings: z.strictObject({ count: z.number().int().positive(), everyMs: z.number().nonnegative() }).optional(),
  /** Overrides for the token counts the server would otherwise estimate (chars / 4). */
  usage: usageSchema.optional(),
  /**
   * Held until a reply of the rule with this name has been sent in full, then `latencyMs` more:
   * orders two conversations without relying on how fast the machine is.
   */
  after: z.string().min(1).optional(),
  /** Delay before the first byte of the response. */
  latencyMs: z.number().nonnegative().optional(),
  /** Delay between streamed tokens. */
  tokenLatencyMs: z.number().nonnegative().optional(),
  /** Extra response headers, e.g. rate-limit headers. */
  headers: z.record(z.string(), z.string()).optional(),
});
export type FakeReply = z.infer<typeof replySchema>;

const faultSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('status'),
    status: z.number().int().min(400).max(599),
    retryAfter: z.number().nonnegative().optional(),
    retryAfterMs: z.number().nonnegative().optional(),
    message: z.string().optional(),
    /** The API's error code, e.g. `insufficient_quota` (OpenAI) or `overloaded_error` (Anthropic). */
    code: z.string().optional(),
  }),
  /** The connection is destroyed before any response byte. */
  z.strictObject({ type: z.literal('reset') }),
  /** The stream is cut in the middle of chunk number `afterChunks` (default: half way). */
  z.strictObject({ type: z.literal('cut'), afterChunks: z.number().int().nonnegative().optional() }),
  /** After `afterChunks` chunks nothing more is sent for `ms` (default: until the client leaves). */
  z.strictObject({
    type: z.literal('stall'),
    afterChunks: z.number().int().nonnegative().optional(),
    ms: z.number().nonnegative().optional(),
  }),
  /** A chunk that is not valid JSON is inserted after `afterChunks` chunks; the rest follows. */
  z.strictObject({ type: z.literal('garbled'), afterChunks: z.number().int().nonnegative().optional() }),
  /**
   * After `afterChunks` chunks the stream carries the API's mid-stream error event (Anthropic
   * `event: error` with `overloaded_error` by default) and ends.
   */
  z.strictObject({
    type: z.literal('error_event'),
    afterChunks: z.number().int().nonnegative().optional(),
    errorType: z.string().optional(),
    message: z.string().optional(),
  }),
]);
export type FakeFault = z.infer<typeof faultSchema>;

const ruleSchema = z.strictObject({
  name: z.string().optional(),
  match: matchSchema.optional(),
  /** How many requests this rule answers before it is used up (default: unlimited). */
  times: z.number().int().positive().optional(),
  reply: replySchema.optional(),
  fault: faultSchema.optional(),
});
export type FakeRule = z.infer<typeof ruleSchema>;

export const scenarioSchema = z.strictObject({
  rules: z.array(ruleSchema),
  /** Answer for requests no rule matches; without it they get a 404 naming the request. */
  fallback: replySchema.optional(),
  /** Default per-token delay for every reply. */
  tokenLatencyMs: z.number().nonnegative().optional(),
  /** Prefixes shorter than this (estimated tokens) are never cached; default: the model's minimum. */
  cacheMinTokens: z.number().int().nonnegative().optional(),
  /** Refuse what the real APIs refuse, with their status and error body (default true). */
  strict: z.boolean().optional(),
});
export type FakeScenario = z.infer<typeof scenarioSchema>;

/** Validate a scenario object (from JSON/YAML or code). */
export function parseScenario(value: unknown, file?: string): FakeScenario {
  const result = scenarioSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new ConfigError(`invalid fake-llm scenario at "${where}": ${issue?.message ?? 'unknown error'}`, {
      file,
    });
  }
  return result.data;
}

/** Load a scenario from a .json, .yaml or .yml file. */
export async function loadScenarioFile(path: string): Promise<FakeScenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ConfigError(`cannot read the scenario file; check the path`, { file: path });
  }
  let value: unknown;
  try {
    value = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `the scenario is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${String(error)}`,
      {
        file: path,
      },
    );
  }
  return parseScenario(value, path);
}
