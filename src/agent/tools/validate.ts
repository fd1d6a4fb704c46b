import type { ToolCall } from '../../llm/types.js';
import { isToolName, toolArgs, toolJsonSchema, type ToolName } from './schemas.js';

/**
 * Checks a tool call before anything runs. A malformed call is never executed: the model gets
 * the reason and the tool's schema back as the tool result, so it can retry correctly.
 */
export type CheckedCall =
  { ok: true; name: ToolName; args: Record<string, unknown> } | { ok: false; error: string };

export function checkToolCall(call: ToolCall, available: readonly string[]): CheckedCall {
  if (!isToolName(call.name) || !available.includes(call.name)) {
    return {
      ok: false,
      error: `Unknown tool "${call.name}"; nothing was executed. Available tools: ${available.join(', ')}.`,
    };
  }
  const schema = JSON.stringify(toolJsonSchema(call.name));
  if (call.parseError !== undefined) {
    return {
      ok: false,
      error: `The arguments of ${call.name} are not valid JSON (${call.parseError}); nothing was executed. Expected arguments matching this JSON schema: ${schema}`,
    };
  }
  const parsed = toolArgs[call.name].safeParse(call.arguments ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(arguments)'}: ${issue.message}`)
      .join('; ');
    return {
      ok: false,
      error: `Invalid arguments for ${call.name} (${issues}); nothing was executed. Expected arguments matching this JSON schema: ${schema}`,
    };
  }
  return { ok: true, name: call.name, args: parsed.data as Record<string, unknown> };
}
