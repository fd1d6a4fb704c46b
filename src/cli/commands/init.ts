import type { Command } from 'commander';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { findRepo } from '../context.js';
import { detectProject } from '../../config/detect.js';
import { searchPlaces } from '../../config/load.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_MODEL } from '../../config/schema.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description(
      'write .maestrorc.json for this repository (detects package manager, test framework, validate)',
    )
    .option('--force', 'overwrite an existing .maestrorc.json')
    .action(async (options: { force?: boolean }) => {
      const repo = await findRepo(process.cwd());
      const target = join(repo.root, '.maestrorc.json');
      const existing = await firstExisting(repo.root);
      if (existing && !options.force) {
        throw new UsageError(
          `${relative(process.cwd(), existing) || existing} already configures maestro; pass --force to overwrite .maestrorc.json`,
        );
      }
      const detected = await detectProject(repo.root);
      const config = {
        defaultModel: DEFAULT_MODEL,
        maxAgents: 4,
        testFramework: detected.testFramework,
        validate: detected.validate,
        excludePaths: detected.excludePaths,
        budget: { runUsd: 10, taskUsd: 2 },
      };
      await writeFile(target, `${JSON.stringify(config, null, 2)}\n`);
      const lines = [
        `wrote ${relative(process.cwd(), target) || target}`,
        `  package manager: ${detected.packageManager ?? 'none found'}`,
        `  test framework:  ${detected.testFramework ?? 'none found'}`,
        `  validate:        ${detected.validate.length ? detected.validate.join(' && ') : 'nothing (add commands to "validate")'}`,
        'Every key is described in .maestrorc.example in the maestro package.',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

async function firstExisting(root: string): Promise<string | undefined> {
  for (const place of searchPlaces) {
    const file = join(root, place);
    if (place === 'package.json') {
      const pkg = await readFile(file, 'utf8').then(
        (text) => JSON.parse(text) as { maestro?: unknown },
        () => ({}),
      );
      if ('maestro' in pkg) return `${file}#maestro`;
    } else if (
      await access(file).then(
        () => true,
        () => false,
      )
    ) {
      return file;
    }
  }
  return undefined;
}
