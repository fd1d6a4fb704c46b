import type { z } from 'zod';
import { configSchema } from './schema.js';
import { closest } from '../util/suggest.js';

export interface DescribedIssue {
  /** Path of the offending key (for unknown keys, the unknown key itself). */
  path: (string | number)[];
  message: string;
}

/** Turn a zod issue into "key path: what was expected", suggesting the closest key for typos. */
export function describeIssue(issue: z.core.$ZodIssue): DescribedIssue {
  const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
  const where = path.length > 0 ? path.join('.') : 'the configuration';
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      const known = knownKeys(path);
      const suggestion = closest(key, known);
      const full = [...path, key].join('.');
      const hint = suggestion
        ? `; did you mean "${[...path, suggestion].join('.')}"?`
        : known.length
          ? `; known keys: ${known.join(', ')}`
          : '';
      return { path: [...path, key], message: `unknown key "${full}"${hint}` };
    }
    case 'invalid_type':
      return { path, message: `${where}: expected ${issue.expected}, got ${describeValue(issue.input)}` };
    case 'invalid_value':
      return {
        path,
        message: `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'invalid_union':
      return { path, message: `${where}: ${unionHint(path)}` };
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'not_multiple_of':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return { path, message: `${where}: ${issue.message}` };
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}`;
  return `${typeof value} ${typeof value === 'object' ? '' : JSON.stringify(value)}`.trim();
}

function unionHint(path: (string | number)[]): string {
  if (path[0] === 'agent')
    return 'expected "builtin", one of "claude", "codex", "aider", "gemini", or { "command": ["prog", "{prompt}"] }';
  if (path[0] === 'hooks') return 'expected a command string or { "command": "...", "timeoutSeconds": 60 }';
  return 'does not match any allowed form';
}

type AnySchema = {
  def?: {
    type?: string;
    innerType?: AnySchema;
    shape?: Record<string, AnySchema>;
    valueType?: AnySchema;
    element?: AnySchema;
  };
};

/** Keys an object schema allows at a path, for "did you mean". */
function knownKeys(path: (string | number)[]): string[] {
  let schema: AnySchema | undefined = configSchema as unknown as AnySchema;
  for (const part of [...path, null]) {
    while (schema?.def && ['default', 'optional', 'nullable', 'prefault'].includes(schema.def.type ?? '')) {
      schema = schema.def.innerType;
    }
    if (part === null) break;
    const def: AnySchema['def'] = schema?.def;
    if (def?.type === 'object') schema = def.shape?.[String(part)];
    else if (def?.type === 'record') schema = def.valueType;
    else if (def?.type === 'array') schema = def.element;
    else return [];
  }
  return schema?.def?.type === 'object' ? Object.keys(schema.def.shape ?? {}) : [];
}
