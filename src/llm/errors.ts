import { MaestroError } from '../errors.js';
import type { ProviderName } from './types.js';

/**
 * Why a model request failed, in terms the retry logic needs:
 * rate_limit/server/connection happen before the answer began and are retried with back-off;
 * stream/stalled mean an answer broke mid-way and the turn is restarted a bounded number of times.
 * quota (no credit left: billing) and context (the prompt exceeds the model's window) are final,
 * like auth and request: retrying cannot help.
 */
export type LlmErrorKind =
  | 'rate_limit'
  | 'server'
  | 'connection'
  | 'stream'
  | 'stalled'
  | 'auth'
  | 'quota'
  | 'context'
  | 'request'
  | 'aborted';

const FINAL: readonly LlmErrorKind[] = ['auth', 'quota', 'context', 'request', 'aborted'];

export class LlmError extends MaestroError {
  readonly kind: LlmErrorKind;
  readonly provider: ProviderName;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(
    provider: ProviderName,
    kind: LlmErrorKind,
    message: string,
    extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.provider = provider;
    this.kind = kind;
    this.status = extra.status;
    this.retryAfterMs = extra.retryAfterMs;
  }

  get retryable(): boolean {
    return !FINAL.includes(this.kind);
  }
}

type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined | null;

export function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `retry-after-ms` (ms) or `retry-after` (seconds or an HTTP date), as milliseconds. */
export function retryAfterMs(headers: HeaderSource, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(header(headers, 'retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = header(headers, 'retry-after');
  if (raw === undefined) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

const statusText: Record<number, string> = {
  400: 'rejected the request as invalid',
  401: 'rejected the API key',
  403: 'refused access with this API key',
  404: 'does not know this model or endpoint',
  429: 'is rate limiting requests',
};

/** The API's error code or type (`insufficient_quota`, `context_length_exceeded`, `overloaded_error`). */
function errorCode(error: unknown): string | undefined {
  const e = (error ?? {}) as { code?: unknown; type?: unknown; error?: unknown };
  const inner = (e.error ?? {}) as { code?: unknown; type?: unknown; error?: { type?: unknown } };
  for (const value of [e.code, inner.code, e.type, inner.type, inner.error?.type]) {
    if (typeof value === 'string' && value !== '' && value !== 'error' && value !== 'invalid_request_error')
      return value;
  }
  return undefined;
}

/**
 * Turn whatever an SDK threw into an LlmError whose message holds no secrets: only our own words,
 * the status and the provider's error message (which never echoes the key).
 */
export function toLlmError(
  provider: ProviderName,
  error: unknown,
  state: { started: boolean; signal?: AbortSignal | undefined },
  redactText: (text: string) => string,
): LlmError {
  if (error instanceof LlmError) return error;
  const detail = redactText(error instanceof Error ? error.message : String(error)).slice(0, 300);
  if (state.signal?.aborted)
    return new LlmError(provider, 'aborted', `the ${provider} request was cancelled`);
  const e = (error ?? {}) as { status?: unknown; status_code?: unknown; headers?: HeaderSource };
  const status =
    typeof e.status === 'number' ? e.status : typeof e.status_code === 'number' ? e.status_code : undefined;
  const code = errorCode(error);
  // https://developers.openai.com/api/docs/guides/error-codes: insufficient_quota is a 429 that
  // no wait fixes ("You exceeded your current quota, please check your plan and billing details").
  if (code === 'insufficient_quota') {
    return new LlmError(
      provider,
      'quota',
      `${provider} refused the request: the account has no quota left; check the plan and billing details of the API account (${detail})`,
      { ...(status !== undefined ? { status } : {}) },
    );
  }
  if (
    code === 'context_length_exceeded' ||
    /prompt is too long|context window|maximum context length/i.test(detail)
  ) {
    return new LlmError(
      provider,
      'context',
      `the conversation no longer fits the model's context window (${detail})`,
      { ...(status !== undefined ? { status } : {}) },
    );
  }
  // An `error` event inside a stream (OpenAI `event: error`, Anthropic overloaded_error) has no
  // status: the answer broke mid-way and is restarted after a back-off.
  if (status === undefined && code !== undefined && state.started) {
    return new LlmError(
      provider,
      'stream',
      `the ${provider} stream reported an error mid-answer (${detail})`,
    );
  }
  if (status !== undefined) {
    const kind =
      status === 429
        ? 'rate_limit'
        : status === 401 || status === 403
          ? 'auth'
          : status >= 500 || status === 408 || status === 409
            ? 'server'
            : 'request';
    const what = statusText[status] ?? `answered with status ${status}`;
    const hint = kind === 'auth' ? '; check the API key variable' : '';
    return new LlmError(provider, kind, `${provider} ${what}${hint} (${detail})`, {
      status,
      retryAfterMs: retryAfterMs(e.headers),
    });
  }
  if (state.started) {
    return new LlmError(provider, 'stream', `the ${provider} stream broke mid-answer (${detail})`);
  }
  return new LlmError(
    provider,
    'connection',
    `cannot reach ${provider} (${detail}); check the network or the base URL`,
  );
}
