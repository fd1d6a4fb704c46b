import type { StopReason, Usage } from '../types.js';

/** A reply with everything decided: ids, raw arguments, the usage to report. */
export interface ResolvedReply {
  /** Unique per response, like the APIs' message ids. */
  id: string;
  model: string;
  text: string;
  /** Visible reasoning to stream first, or null. */
  thinking: string | null;
  redactedThinking: boolean;
  argumentChunkChars: number | undefined;
  pings: { count: number; everyMs: number } | undefined;
  toolCalls: { id: string; name: string; raw: string }[];
  stopReason: StopReason;
  usage: Usage;
}

/** A streamed piece of the answer, or a pause before the next one (pings, slow thinking). */
export type WireChunk = string | { pauseMs: number };

/** A protocol's rendering of one reply: streamed chunks, or one JSON body. */
export interface Wire {
  contentType: string;
  chunks(reply: ResolvedReply, includeUsage: boolean): WireChunk[];
  body(reply: ResolvedReply): unknown;
  errorBody(status: number, message: string, code?: string): unknown;
  /** A chunk that is not valid JSON for this protocol. */
  garbage: string;
  /** The protocol's mid-stream error, as the API sends it inside a streamed answer (a cut without it). */
  errorEvent?(type: string, message: string): string;
}

/** Streamed "tokens": words with their leading space, like a model emits them. */
export function tokens(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

/** Tool arguments arrive in a few fragments, split at arbitrary points. */
export function fragments(raw: string, size = 12): string[] {
  const parts: string[] = [];
  for (let i = 0; i < raw.length; i += size) parts.push(raw.slice(i, i + size));
  return parts.length > 0 ? parts : [''];
}

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);
