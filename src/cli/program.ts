import { registerDoctor } from './commands/doctor.js';
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { registerInit } from './commands/init.js';
import { registerConfig } from './commands/config.js';
import { registerTemplates } from './commands/templates.js';
import { registerCost } from './commands/cost.js';
import { registerDemo } from './commands/demo.js';
import { registerFakeLlm } from './commands/fake-llm.js';
import { registerTui } from './commands/tui.js';
import { registerResolve } from './commands/resolve.js';
import { registerRun } from './commands/run.js';
import { registerPlan } from './commands/plan.js';
import { registerStatus } from './commands/status.js';
import { registerRuns } from './commands/runs.js';
import { registerClean } from './commands/clean.js';
import { registerResume } from './commands/resume.js';
import { registerWorker } from './commands/worker.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * The whole command-line surface. Each command lives in ./commands/<name>.ts and exports
 * `register<Name>(program)`; add one line below to wire a new one.
 */
export function buildProgram(): Command {
  const program = new Command('maestro')
    .description('Run many AI coding agents in parallel on one git repository.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--config <file>', 'use this config file instead of searching for one')
    .option('--no-sandbox', 'run agent commands, validation, hooks and agent CLIs unconfined (no OS sandbox)')
    .option(
      '--trust-config',
      "trust the repository's config: a JS/TS config file, or settings that run programs or receive API keys",
    )
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // Commander's own errors (unknown command/flag) are printed by main() as one line.
      writeErr: () => undefined,
    });
  registerInit(program);
  registerConfig(program);
  registerTemplates(program);
  registerCost(program);
  registerDemo(program);
  registerFakeLlm(program);
  registerTui(program);
  registerResolve(program);
  registerRun(program);
  registerPlan(program);
  registerStatus(program);
  registerRuns(program);
  registerClean(program);
  registerResume(program);
  registerDoctor(program);
  registerWorker(program);
  return program;
}

export { CommanderError };
