import { checkExhaustive } from '../../errors.js';
import { PathRefused } from '../path-guard.js';
import { runAllowedCommand } from './commands.js';
import { fail, type ToolContext, type ToolOutcome } from './context.js';
import { editTextFile, listFiles, readTextFile, writeTextFile } from './files.js';
import type { HostToolCall } from './schemas.js';
import { searchFiles } from './search.js';

/**
 * Runs one worktree tool and turns refusals into results. Its arguments were checked against the
 * tool's schema by the orchestrator (`checkToolCall`) before they were sent; what keeps the agent in
 * its worktree is checked here, where the tool runs (the path guard, the allowed commands, the
 * write limit). The host loads no schema library: zod was half of a host's start-up CPU.
 */
export async function executeHostTool(ctx: ToolContext, call: HostToolCall): Promise<ToolOutcome> {
  const { name } = call;
  try {
    switch (call.name) {
      case 'list_files':
        return await listFiles(ctx, call.args);
      case 'read_file':
        return await readTextFile(ctx, call.args);
      case 'write_file':
        return await writeTextFile(ctx, call.args);
      case 'edit_file':
        return await editTextFile(ctx, call.args);
      case 'search':
        return await searchFiles(ctx, call.args);
      case 'run_command':
        return await runAllowedCommand(ctx, call.args);
      default:
        return checkExhaustive(call);
    }
  } catch (error) {
    if (error instanceof PathRefused) return fail(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return fail('path refused: it is a symlink');
    return fail(`${name} failed: ${(error as Error).message}`);
  }
}
