import type { Command } from 'commander';
import { findRepo, loadRepoConfig, type GlobalOptions } from '../context.js';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('print the configuration in effect (every default applied) and where it came from')
    .option('--json', 'print JSON only')
    .action(async (options: { json?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const repo = await findRepo(process.cwd());
      const loaded = await loadRepoConfig(repo, globals);
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ file: loaded.filepath, config: loaded.config }, null, 2)}\n`,
        );
        return;
      }
      process.stdout.write(`# from ${loaded.filepath ?? 'defaults (no config file found)'}\n`);
      process.stdout.write(`${JSON.stringify(loaded.config, null, 2)}\n`);
    });
}
