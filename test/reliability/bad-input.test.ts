import { describe, expect, it } from 'vitest';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitCommonDir, runsRoot } from '../../src/orchestrator/run-paths.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, tempRepo } from '../helpers/repo.js';

/** One line on stderr starting "maestro:", no "internal error", exit 2, no run folder. */
async function expectOneLine(repo: string, args: string[]): Promise<string> {
  const result = await runCli(args, { cwd: repo });
  expect(result.exitCode).toBe(2);
  const lines = result.stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^maestro: /);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(await readdir(runsRoot(await gitCommonDir(repo))).catch(() => [])).toEqual([]);
  return lines[0] as string;
}

const bareWordOnLine4 = '{\n  "maxAgents": 2,\n  "validate": [],\n  "provider": openai,\n  "budget": {}\n}\n';

describe('every bad input is one clear line', () => {
  it('a JSON syntax error in .maestrorc.json and in --plan FILE.json gives the real line:column (#14 item 13)', async () => {
    const repo = await tempRepo();
    await writeFile(join(repo, '.maestrorc.json'), bareWordOnLine4);
    expect(await expectOneLine(repo, ['config'])).toMatch(
      /\.maestrorc\.json:4:15: invalid JSON: unexpected "o"/,
    );
    await writeFile(join(repo, '.maestrorc.json'), '{}\n');
    const plan = join(await tempDir(), 'plan.json');
    await writeFile(
      plan,
      '{\n  "tasks": [\n    {"id": "a", "title": "t",\n     "instructions": x}\n  ]\n}\n',
    );
    expect(await expectOneLine(repo, ['run', '--plan', plan, '--headless'])).toMatch(
      /plan\.json:4:22: invalid JSON/,
    );
  });

  it('--config naming a missing file or a folder (#14 item 14)', async () => {
    const repo = await tempRepo();
    expect(await expectOneLine(repo, ['--config', 'nope.json', 'config'])).toMatch(/no such file/);
    await mkdir(join(repo, 'conf'));
    expect(await expectOneLine(repo, ['--config', 'conf', 'config'])).toMatch(/names a folder/);
  });

  it('--each "" (an unset shell variable) (#14 item 15)', async () => {
    const repo = await tempRepo();
    expect(await expectOneLine(repo, ['run', '--each', '', '--task', 'x', '--headless'])).toMatch(
      /--each needs a glob/,
    );
  });

  it('an empty or null config file, duplicate keys, 1e400 (#14 item 20)', async () => {
    const repo = await tempRepo();
    const cases: [string, RegExp][] = [
      ['', /\.maestrorc\.json: the file is empty/],
      ['null\n', /\.maestrorc\.json: the configuration is empty \(null\)/],
      [
        '{"maxAgents": 2,\n "maxAgents": 3}\n',
        /\.maestrorc\.json:2:2: invalid JSON: duplicate key "maxAgents"/,
      ],
      ['{"maxAgents": 1e400}\n', /\.maestrorc\.json:1:15: invalid JSON: the number 1e400 is too large/],
    ];
    for (const [text, message] of cases) {
      await writeFile(join(repo, '.maestrorc.json'), text);
      expect(await expectOneLine(repo, ['config'])).toMatch(message);
    }
  }, 120_000);
});
