import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir, tempRepo } from '../helpers/repo.js';

/** The V8 flags of every Node process the command ran as: a preload records them, one line each. */
async function flagsOf(args: string[], nodeOptions = ''): Promise<string[]> {
  const dir = await tempDir('maestro-launcher-');
  const log = join(dir, 'exec-argv.log');
  const probe = join(dir, 'probe.mjs');
  await writeFile(
    probe,
    `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(log)}, process.execArgv.filter((a) => a.startsWith('--max-')).join(' ') + '\\n');\n`,
  );
  const repo = await tempRepo();
  await runCli(args, { cwd: repo, env: { NODE_OPTIONS: `${nodeOptions} --import=${probe}`.trim() } });
  return (await readFile(log, 'utf8')).split('\n').slice(0, -1);
}

describe('bin/maestro.js', () => {
  it('runs a long-running command again in its own process with a bounded young generation', async () => {
    expect(await flagsOf(['run', '--help'])).toEqual(['', '--max-semi-space-size=16']);
    expect(await flagsOf(['--config', 'tui', 'resume', '--help'])).toEqual(['', '--max-semi-space-size=16']);
  });

  it('starts a short command once, and keeps a size the user chose', async () => {
    expect(await flagsOf(['status'])).toEqual(['']);
    expect(await flagsOf(['--config', 'run', 'status'])).toEqual(['']);
    // NODE_OPTIONS flags do not show in execArgv: one start means the launcher left them alone.
    expect(await flagsOf(['run', '--help'], '--max-semi-space-size=4')).toEqual(['']);
  });
});
