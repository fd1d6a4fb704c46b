/**
 * The one scrubber for everything maestro writes (journal, logs, transcripts, error messages):
 * values of key-holding environment variables and key-shaped strings become `[REDACTED]`.
 */
export const REDACTED = '[REDACTED]';

/** Variables always treated as secrets, plus any whose name says it holds one. */
const KNOWN_KEY_VARS = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OLLAMA_API_KEY', 'ANTHROPIC_AUTH_TOKEN'];
/** Shorter values are too likely to be ordinary words to blank out everywhere. */
const MIN_SECRET_LENGTH = 8;

/** A name part that says "credential" (`AWS_ACCESS_KEY_ID`, `npm_config__authToken`, `GH_PAT`). */
const SECRET_PART =
  /^(?:KEYS?|APIKEY|TOKENS?|SECRETS?|PASSWORD|PASSWD|PASS|PAT|CREDENTIALS?|CREDS?|AUTH|COOKIE|PRIVATE|SIGNATURE|SALT|DSN)$/;
/** Names glued together (`PGPASSWORD`, `GITHUBTOKEN`) end with one of these. */
const SECRET_SUFFIX = /(?:PASSWORD|PASSWD|TOKEN|SECRET|APIKEY|AUTH)$/;
/** Provider variables hold keys or point clients at an endpoint: agents get neither. */
const PROVIDER_PREFIX =
  /^(?:OPENAI|ANTHROPIC|AZURE_OPENAI|GEMINI|GOOGLE_GENAI|GOOGLE_API|MISTRAL|GROQ|COHERE)_/;
/** `scheme://user:password@host` */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/:@]*):([^\s/@]+)@/gi;

/**
 * The one rule for "this environment variable holds a secret", shared by the agents' environment
 * scrub and the redactor: its name has a credential part, or its value is a URL with a password.
 */
export function isSecretEnv(name: string, value?: string): boolean {
  const upper = name.toUpperCase();
  if (PROVIDER_PREFIX.test(upper) || SECRET_SUFFIX.test(upper)) return true;
  // camelCase and snake_case parts: npm_config__authToken -> NPM CONFIG AUTH TOKEN.
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/);
  if (parts.some((part) => SECRET_PART.test(part))) return true;
  return value !== undefined && new RegExp(URL_CREDENTIALS.source, 'i').test(value);
}

/** Key shapes redacted wherever they appear, whoever's they are. */
const KEY_SHAPES: [RegExp, string][] = [
  // sk-..., sk-ant-..., sk-proj-...: OpenAI and Anthropic keys.
  [/\bsk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g, REDACTED],
  // AWS access key ids (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html).
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g, REDACTED],
  // GitHub tokens (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/).
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, REDACTED],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}\b/g, REDACTED],
  // Google API keys, Slack tokens.
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, REDACTED],
  // JSON Web Tokens: three base64url parts, the first two JSON objects.
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
  // PEM private keys, whole blocks.
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g, REDACTED],
  [URL_CREDENTIALS, `$1$2:${REDACTED}@`],
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
        value && value.length >= MIN_SECRET_LENGTH && (names.has(name) || isSecretEnv(name, value)),
    )
    .map(([, value]) => value!)
    .sort((a, b) => b.length - a.length);
  const literal = values.length > 0 ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : null;
  return (text) => {
    let out = literal ? text.replace(literal, REDACTED) : text;
    for (const [shape, replacement] of KEY_SHAPES) out = out.replace(shape, replacement);
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
