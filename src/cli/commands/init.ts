import type { Command } from 'commander';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description(
      'write a .maestrorc.json for this repository (detects package manager, test framework, validate command)',
    )
    .option('--force', 'overwrite an existing config')
    .action(() => {
      throw new Error('not implemented yet');
    });
}
