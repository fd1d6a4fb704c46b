import type { ToolCall } from './types.js';

/** A complete tool call; malformed JSON keeps the call with `parseError` so the agent can say so. */
export function toolCall(id: string, name: string, rawArguments: string): ToolCall {
  if (rawArguments.trim() === '') return { id, name, arguments: {}, rawArguments };
  try {
    return { id, name, arguments: JSON.parse(rawArguments) as unknown, rawArguments };
  } catch (error) {
    return {
      id,
      name,
      arguments: undefined,
      rawArguments,
      parseError: error instanceof Error ? error.message : String(error),
    };
  }
}

export function systemText(segments: { text: string }[]): string {
  return segments.map((s) => s.text).join('\n\n');
}
