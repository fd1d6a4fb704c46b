import { Ollama, type Message as OllamaMessage, type Tool as OllamaTool } from 'ollama';
import type { Provider, TurnEvent, TurnRequest } from './types.js';
import { LlmError, toLlmError } from './errors.js';
import { estimateTokens } from './model-facts.js';
import type { ProviderOptions } from './provider-options.js';
import { systemText, toolCall } from './tool-args.js';
import { activityFetch } from './wire-activity.js';

/**
 * The context asked of Ollama when the config sets none. Its default is small (4k under 24 GiB
 * of VRAM) and it silently drops what does not fit; "tasks which require large context like web
 * search, agents, and coding tools should be set to at least 64000 tokens".
 * https://docs.ollama.com/context-length
 */
export const OLLAMA_AGENT_CONTEXT = 65_536;

function toMessages(request: TurnRequest): OllamaMessage[] {
  const out: OllamaMessage[] = [];
  if (request.system.length > 0) out.push({ role: 'system', content: systemText(request.system) });
  for (const m of request.messages) {
    if (m.role === 'user') out.push({ role: 'user', content: m.content });
    else if (m.role === 'tool') out.push({ role: 'tool', content: m.content, tool_name: m.name });
    else {
      out.push({
        role: 'assistant',
        content: m.content,
        ...(m.toolCalls?.length
          ? {
              tool_calls: m.toolCalls.map((c) => ({
                function: {
                  name: c.name,
                  arguments: (c.arguments && typeof c.arguments === 'object' ? c.arguments : {}) as Record<
                    string,
                    unknown
                  >,
                },
              })),
            }
          : {}),
      });
    }
  }
  return out;
}

/**
 * The SDK skips NDJSON lines it cannot parse (with a console warning), silently losing part of an
 * answer; this body check turns such a line into a broken stream that the turn retry handles.
 */
function strictNdjson(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let buffer = '';
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        buffer += decoder.decode(chunk, { stream: true });
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (line.trim() !== '') JSON.parse(line);
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/** Ollama `/api/chat` with tools; the host comes from config or OLLAMA_HOST. */
export function createOllamaProvider(options: ProviderOptions): Provider {
  return {
    name: 'ollama',
    async *stream(request: TurnRequest): AsyncIterable<TurnEvent> {
      const state = { started: false, signal: request.signal };
      let lastHeaders: Headers | undefined;
      const numCtx = options.numCtx ?? OLLAMA_AGENT_CONTEXT;
      const messages = toMessages(request);
      const promptTokens = estimateTokens([messages, request.tools ?? []]);
      if (promptTokens > numCtx) {
        yield {
          type: 'warning',
          message: `the prompt (about ${promptTokens} tokens) is larger than the ${numCtx}-token context asked of Ollama, which drops what does not fit; raise providers.ollama.numCtx`,
        };
      }
      const wireFetch = request.onWireActivity ? activityFetch(request.onWireActivity) : fetch;
      // A client per turn: its fetch carries this turn's AbortSignal and reports headers.
      const client = new Ollama({
        ...(options.baseURL ? { host: options.baseURL } : {}),
        // Hosted Ollama takes a bearer key (providers.ollama.apiKeyEnv); a local one needs none.
        ...(options.apiKey ? { headers: { Authorization: `Bearer ${options.apiKey}` } } : {}),
        fetch: async (input, init) => {
          const signals = [init?.signal, request.signal].filter((s): s is AbortSignal => !!s);
          const response = await wireFetch(input, { ...init, signal: AbortSignal.any(signals) });
          lastHeaders = response.headers;
          options.onHeaders?.(response.headers);
          if (!response.ok || !response.body) return response;
          const { status, statusText, headers } = response;
          return new Response(strictNdjson(response.body), { status, statusText, headers });
        },
      });
      const toolCalls: TurnEvent[] = [];
      let final: { done_reason?: string; prompt_eval_count?: number; eval_count?: number } | undefined;
      try {
        const parts = await client.chat({
          model: request.model,
          messages,
          stream: true,
          ...(request.tools?.length
            ? {
                tools: request.tools.map((t): OllamaTool => ({
                  type: 'function',
                  function: {
                    name: t.name,
                    description: t.description,
                    parameters: t.parameters as NonNullable<OllamaTool['function']['parameters']>,
                  },
                })),
              }
            : {}),
          options: {
            num_ctx: numCtx,
            ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            ...(request.maxOutputTokens !== undefined ? { num_predict: request.maxOutputTokens } : {}),
          },
        });
        state.started = true;
        for await (const part of parts) {
          if (part.message.thinking) yield { type: 'thinking', delta: part.message.thinking };
          if (part.message.content) yield { type: 'text', delta: part.message.content };
          for (const call of part.message.tool_calls ?? []) {
            const args: unknown = call.function.arguments;
            const raw = typeof args === 'string' ? args : JSON.stringify(args ?? {});
            toolCalls.push({
              type: 'tool_call',
              call: toolCall(`ollama_${toolCalls.length + 1}`, call.function.name, raw),
            });
          }
          if (part.done) final = part;
        }
      } catch (error) {
        const e = error as { status_code?: number; headers?: Headers };
        if (typeof e === 'object' && e && e.status_code !== undefined) e.headers = lastHeaders;
        throw toLlmError('ollama', error, state, options.redact);
      }
      if (!final) throw new LlmError('ollama', 'stream', 'the ollama stream ended before done');
      yield* toolCalls;
      yield {
        type: 'done',
        stopReason:
          toolCalls.length > 0 ? 'tool_use' : final.done_reason === 'length' ? 'max_tokens' : 'end_turn',
        usage: {
          inputTokens: final.prompt_eval_count ?? 0,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: final.eval_count ?? 0,
        },
      };
    },
  };
}
