/**
 * The one scrubber for everything maestro writes (journal, logs, transcripts, error messages):
 * values of key-holding environment variables and key-shaped strings become `[REDACTED]`.
 */
export const REDACTED = '[REDACTED]';

/** Variables always treated as secrets, plus any whose name says it holds one. */
const KNOWN_KEY_VARS = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OLLAMA_API_KEY', 'ANTHROPIC_AUTH_TOKEN'];
const SECRET_NAME = /(?:API_?KEY|TOKEN|SECRET|PASSWORD|AUTH)$/i;
/** Shorter values are too likely to be ordinary words to blank out everywhere. */
const MIN_SECRET_LENGTH = 8;

/** sk-..., sk-ant-..., sk-proj-... and similar provider key shapes. */
const KEY_SHAPES = [
  /\bsk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g,
];

export type Redactor = (text: string) => string;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Build a redactor for one environment. `extraVars` names further variables holding keys
 * (e.g. config `providers.<p>.apiKeyEnv`).
 */
export function createRedactor(
  env: Record<string, string | undefined> = process.env,
  extraVars: readonly string[] = [],
): Redactor {
  const names = new Set([...KNOWN_KEY_VARS, ...extraVars]);
  const values = Object.entries(env)
    .filter(
      ([name, value]) =>
        value && value.length >= MIN_SECRET_LENGTH && (names.has(name) || SECRET_NAME.test(name)),
    )
    .map(([, value]) => value!)
    .sort((a, b) => b.length - a.length);
  const literal = values.length > 0 ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : null;
  return (text) => {
    let out = literal ? text.replace(literal, REDACTED) : text;
    for (const shape of KEY_SHAPES) out = out.replace(shape, REDACTED);
    return out;
  };
}

/** Redact one string against `env` (default: this process's environment). */
export function redact(text: string, env: Record<string, string | undefined> = process.env): string {
  return createRedactor(env)(text);
}

/** Redact every string inside a JSON-like value (events, transcripts) without mutating it. */
export function redactDeep<T>(value: T, redactor: Redactor): T {
  if (typeof value === 'string') return redactor(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redactor)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactDeep(item, redactor);
    return out as T;
  }
  return value;
}
