import type { Command } from 'commander';
import { execa } from 'execa';
import { mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeServer } from '../../llm/fake/index.js';
import { createSampleRepo } from '../demo/sample-repo.js';
import { demoObjective, demoScenario } from '../demo/scenario.js';

const launcher = fileURLToPath(new URL('../../../bin/maestro.js', import.meta.url));

/**
 * The offline demo: a sample repository in a temp folder, the fake LLM server in this process with
 * the demo's scripted planner and agents, and a real `maestro run` (or the TUI, in a terminal)
 * pointed at it through the SDKs' base-URL variables. Nothing leaves 127.0.0.1.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run a real job offline on a sample repository, against the built-in fake model server')
    .option('--dir <folder>', 'create the sample repository here (default: a new temp folder)')
    .option('--headless', 'print progress lines even in a terminal')
    .option('--json', 'print the events as NDJSON')
    .action(async (flags: { dir?: string; headless?: boolean; json?: boolean }) => {
      const base = flags.dir ?? (await realpath(await mkdtemp(join(tmpdir(), 'maestro-demo-'))));
      const repo = join(base, 'tinygreet');
      await createSampleRepo(repo, { worktreeDir: join(base, 'worktrees') });
      const server = await startFakeServer(demoScenario());
      const interactive = process.stdout.isTTY && process.stdin.isTTY && !flags.headless && !flags.json;
      process.stderr.write(`maestro demo: sample repository ${repo}\n`);
      try {
        const args = interactive
          ? ['tui', '--task', demoObjective, '--model', 'gpt-6.2-sol']
          : [
              'run',
              '--task',
              demoObjective,
              '--model',
              'gpt-6.2-sol',
              '--headless',
              ...(flags.json ? ['--json'] : []),
            ];
        const child = await execa(process.execPath, [launcher, ...args], {
          cwd: repo,
          stdio: 'inherit',
          reject: false,
          env: {
            OPENAI_BASE_URL: server.openaiBaseURL,
            // The fake server accepts any key; a real one is never needed or sent anywhere else.
            OPENAI_API_KEY: 'sk-maestro-demo-offline',
          },
        });
        process.exitCode = child.exitCode ?? 1;
        process.stderr.write(
          `\nThe sample repository stays at ${repo}: try \`cd ${repo} && maestro status\`, \`maestro resolve\` or \`git log --graph --all\`.\n`,
        );
      } finally {
        await server.close();
      }
    });
}
