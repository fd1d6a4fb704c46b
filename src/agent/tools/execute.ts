import { checkExhaustive } from '../../errors.js';
import { PathRefused } from '../path-guard.js';
import { runAllowedCommand } from './commands.js';
import { fail, type ToolContext, type ToolOutcome } from './context.js';
import { editTextFile, listFiles, readTextFile, writeTextFile } from './files.js';
import { toolArgs, type HostToolName } from './schemas.js';
import { searchFiles } from './search.js';

/** Runs one worktree tool; validates again (the host trusts nobody), and turns refusals into results. */
export async function executeHostTool(
  ctx: ToolContext,
  name: HostToolName,
  raw: unknown,
): Promise<ToolOutcome> {
  try {
    switch (name) {
      case 'list_files':
        return await listFiles(ctx, toolArgs.list_files.parse(raw));
      case 'read_file':
        return await readTextFile(ctx, toolArgs.read_file.parse(raw));
      case 'write_file':
        return await writeTextFile(ctx, toolArgs.write_file.parse(raw));
      case 'edit_file':
        return await editTextFile(ctx, toolArgs.edit_file.parse(raw));
      case 'search':
        return await searchFiles(ctx, toolArgs.search.parse(raw));
      case 'run_command':
        return await runAllowedCommand(ctx, toolArgs.run_command.parse(raw));
      default:
        return checkExhaustive(name);
    }
  } catch (error) {
    if (error instanceof PathRefused) return fail(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return fail('path refused: it is a symlink');
    return fail(`${name} failed: ${(error as Error).message}`);
  }
}
