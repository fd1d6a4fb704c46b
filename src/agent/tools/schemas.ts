import { z } from 'zod';
import type { JsonSchema, ToolSpec } from '../../llm/types.js';

/** Every tool an agent can call: its argument schema (zod, the one source) and what it is for. */
const relPath = z.string().min(1).describe('Path relative to the worktree root, e.g. "src/index.ts".');

export const toolArgs = {
  list_files: z.strictObject({
    path: z.string().optional().describe('Folder to list, relative to the worktree root (default: all).'),
    glob: z.string().optional().describe('Only files matching this glob, e.g. "**/*.ts".'),
  }),
  read_file: z.strictObject({
    path: relPath,
    startLine: z.number().int().min(1).optional().describe('First line to read (1-based, inclusive).'),
    endLine: z.number().int().min(1).optional().describe('Last line to read (inclusive).'),
  }),
  write_file: z.strictObject({
    path: relPath,
    content: z.string().describe('The complete new content of the file.'),
  }),
  edit_file: z.strictObject({
    path: relPath,
    search: z.string().min(1).describe('Exact text to replace; must occur exactly once in the file.'),
    replace: z.string().describe('Text to put in its place.'),
  }),
  search: z.strictObject({
    pattern: z.string().min(1).describe('Regular expression (JavaScript/ripgrep syntax) to search for.'),
    path: z
      .string()
      .optional()
      .describe('Folder to search in, relative to the worktree root (default: all).'),
    glob: z.string().optional().describe('Only files matching this glob, e.g. "src/**/*.ts".'),
    caseSensitive: z.boolean().optional().describe('Default true.'),
  }),
  run_command: z.strictObject({
    command: z
      .string()
      .min(1)
      .describe(
        'One of the allowed commands (listed in this description), optionally followed by arguments.',
      ),
  }),
  publish_finding: z.strictObject({
    text: z.string().min(1).describe('What other agents should know, in a sentence or two.'),
    files: z.array(z.string()).optional().describe('Files the finding is about.'),
    tags: z.array(z.string()).optional().describe('Short labels, e.g. "api", "convention".'),
  }),
  read_findings: z.strictObject({}),
  finish: z.strictObject({
    summary: z.string().min(1).describe('What you changed and why, for the reviewer.'),
    notes: z.string().optional().describe('Anything tasks that depend on yours must know.'),
  }),
} as const;

export type ToolName = keyof typeof toolArgs;
export type ToolArgs<N extends ToolName> = z.infer<(typeof toolArgs)[N]>;
export const toolNames = Object.keys(toolArgs) as ToolName[];

/** Tools the child process executes in the worktree; the rest are handled by the conversation loop. */
export const hostToolNames = [
  'list_files',
  'read_file',
  'write_file',
  'edit_file',
  'search',
  'run_command',
] as const;
export type HostToolName = (typeof hostToolNames)[number];
/** A host tool and arguments its schema accepted (`checkToolCall`). */
export type HostToolCall = { [N in HostToolName]: { name: N; args: ToolArgs<N> } }[HostToolName];

/**
 * Whether a tool writes no file or names every file it writes in its result (`changed`, journaled
 * as the agent's own `agent.files_changed`). A built-in agent's worktree needs a watcher only from
 * its first call of a tool that is `false` here (a command can write anything), or of a plugin's.
 */
export const reportsItsWrites: Record<ToolName, boolean> = {
  list_files: true,
  read_file: true,
  write_file: true,
  edit_file: true,
  search: true,
  run_command: false,
  publish_finding: true,
  read_findings: true,
  finish: true,
};

export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(toolArgs, name);
}

const descriptions: Record<ToolName, string> = {
  list_files:
    'List files in the worktree (git-tracked and untracked, .gitignore and excluded paths left out). Returns one path per line.',
  read_file:
    'Read a text file, optionally a line range. Lines are numbered in the output ("12| text"). Long files and lines are truncated; binary files are refused.',
  write_file: 'Create or overwrite a file with the given content. Parent folders are created.',
  edit_file:
    'Replace one exact occurrence of `search` with `replace` in a file. Fails if the text is missing or occurs more than once: include more surrounding lines to make it unique.',
  search:
    'Search file contents with a regular expression. Returns "path:line: text" matches, capped in number.',
  run_command: 'Run an allowed command in the worktree (timeout applies; long output keeps head and tail).',
  publish_finding:
    'Tell the other agents of this run something they need to know (an API you changed, a convention, a pitfall).',
  read_findings: 'Read every finding published so far by the agents of this run.',
  finish:
    'Call once when your task is complete: summarise what you changed and what dependent tasks must know. Ends your turn for good.',
};

/** zod marks every integer with the safe-integer bounds; models do not need that noise. */
function dropSafeIntegerBounds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropSafeIntegerBounds);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => !(key === 'maximum' && v === Number.MAX_SAFE_INTEGER))
      .filter(([key, v]) => !(key === 'minimum' && v === Number.MIN_SAFE_INTEGER))
      .map(([key, v]) => [key, dropSafeIntegerBounds(v)]),
  );
}

export function toolJsonSchema(name: ToolName): JsonSchema {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(toolArgs[name]) as JsonSchema;
  return dropSafeIntegerBounds(schema) as JsonSchema;
}

/** The tool list sent to the model; `allowedCommands` are spelled out in run_command's description. */
export function buildToolSpecs(allowedCommands: readonly string[]): ToolSpec[] {
  return toolNames
    .filter((name) => name !== 'run_command' || allowedCommands.length > 0)
    .map((name) => ({
      name,
      description:
        name === 'run_command'
          ? `${descriptions[name]} Allowed: ${allowedCommands.map((c) => JSON.stringify(c)).join(', ')}.`
          : descriptions[name],
      parameters: toolJsonSchema(name),
    }));
}
