import type { Command } from 'commander';
import { dirname } from 'node:path';
import { findRepo, loadRepoConfig, repoCodeTrust, type GlobalOptions } from '../context.js';
import { loadPlugins } from '../../plugins/loader.js';

export function registerTemplates(program: Command): void {
  program
    .command('templates')
    .description("list the task templates (built-in, plugins, and the config's team templates)")
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const repo = await findRepo(process.cwd());
      const loaded = await loadRepoConfig(repo, globals);
      const set = await loadPlugins({
        config: loaded.config,
        baseDir: loaded.filepath ? dirname(loaded.filepath) : repo.root,
        trust: repoCodeTrust(globals),
      });
      const rows = [...set.templates.values()].map(({ template, source }) => ({
        name: template.name,
        source,
        description: template.description,
      }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const width = Math.max(...rows.map((r) => r.name.length));
      for (const row of rows) {
        const from = row.source === row.name ? '' : `  [${row.source}]`;
        process.stdout.write(`${row.name.padEnd(width)}  ${row.description}${from}\n`);
      }
      process.stdout.write('\nUse one with: maestro run --template NAME [--task "..."]\n');
    });
}
