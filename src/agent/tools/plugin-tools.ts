import type { ToolCall, ToolSpec } from '../../llm/types.js';

/** A tool a plugin adds: its spec for the model, and the module (file URL) the host imports to run it. */
export interface PluginToolRef {
  module: string;
  spec: ToolSpec;
}

export type CheckedPluginCall =
  { ok: true; name: string; args: Record<string, unknown> } | { ok: false; error: string };

interface ObjectSchema {
  properties?: Record<string, { type?: string | string[] }>;
  required?: string[];
  additionalProperties?: boolean;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function accepts(wanted: string | string[] | undefined, value: unknown): boolean {
  if (wanted === undefined) return true;
  const actual = typeOf(value);
  return [wanted].flat().some((type) => type === actual || (type === 'number' && actual === 'integer'));
}

/**
 * Checks a call to a plugin tool against its JSON schema (object shape, required keys, property
 * types, no unknown keys when the schema says so). A malformed call is never executed.
 */
export function checkPluginCall(call: ToolCall, spec: ToolSpec): CheckedPluginCall {
  const schemaText = JSON.stringify(spec.parameters);
  const refuse = (why: string): CheckedPluginCall => ({
    ok: false,
    error: `${why}; nothing was executed. Expected arguments matching this JSON schema: ${schemaText}`,
  });
  if (call.parseError !== undefined)
    return refuse(`The arguments of ${call.name} are not valid JSON (${call.parseError})`);
  const args = call.arguments ?? {};
  if (typeOf(args) !== 'object') return refuse(`The arguments of ${call.name} must be a JSON object`);
  const record = args as Record<string, unknown>;
  const schema = spec.parameters as ObjectSchema;
  const missing = (schema.required ?? []).filter((key) => !(key in record));
  if (missing.length > 0)
    return refuse(`Invalid arguments for ${call.name} (missing: ${missing.join(', ')})`);
  for (const [key, value] of Object.entries(record)) {
    const property = schema.properties?.[key];
    if (!property && schema.additionalProperties === false)
      return refuse(`Invalid arguments for ${call.name} (unknown key: ${key})`);
    if (property && !accepts(property.type, value)) {
      return refuse(
        `Invalid arguments for ${call.name} (${key}: expected ${[property.type].flat().join(' or ')})`,
      );
    }
  }
  return { ok: true, name: call.name, args: record };
}
