import { estimateTokens } from '../model-facts.js';

/**
 * Ollama's default context when `num_ctx` is not set: 4k below 24 GiB of VRAM; a longer prompt
 * is cut silently from the front (https://docs.ollama.com/context-length). The fake does the same,
 * so a request that forgets `num_ctx` loses its task exactly as on a real machine.
 */
export const OLLAMA_DEFAULT_CONTEXT = 4096;

type Json = Record<string, unknown>;

/** The body as the model sees it: system messages kept, the oldest others dropped until it fits. */
export function ollamaTruncate(body: Json): Json {
  const options = (body.options ?? {}) as Json;
  const numCtx = typeof options.num_ctx === 'number' ? options.num_ctx : OLLAMA_DEFAULT_CONTEXT;
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  const size = (list: Json[]) => estimateTokens([body.tools ?? null, list]);
  if (size(messages) <= numCtx) return body;
  const kept = [...messages];
  for (let i = 0; i < kept.length && size(kept) > numCtx;) {
    if (kept[i]?.role === 'system' || kept.length === 1) i++;
    else kept.splice(i, 1);
  }
  return { ...body, messages: kept };
}
