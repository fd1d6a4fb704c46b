import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir, tempRepo } from '../helpers/repo.js';

const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('the launcher', () => {
  it('refuses an older Node with one line naming the required version, exit 1', async () => {
    const dir = await tempDir();
    const preload = join(dir, 'old-node.mjs');
    await writeFile(
      preload,
      "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '22.21.9' } });\n" +
        "Object.defineProperty(process, 'version', { value: 'v22.21.9' });\n",
    );
    const result = await runCli(['--version'], { cwd: dir, nodeArgs: ['--import', preload] });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('maestro needs Node.js >= 22.22 (this is v22.21.9)');
  });

  it('accepts the current Node', async () => {
    const result = await runCli(['--version'], { cwd: await tempDir() });
    expect(result).toMatchObject({ exitCode: 0, stdout: `${pkg.version}\n` });
  });
});

describe('help and typos', () => {
  it('prints help for the program and for a command', async () => {
    const cwd = await tempDir();
    const top = await runCli(['--help'], { cwd });
    expect(top.exitCode).toBe(0);
    expect(top.stdout).toMatch(/Usage: maestro/);
    expect(top.stdout).toMatch(/init/);
    const init = await runCli(['init', '--help'], { cwd });
    expect(init.exitCode).toBe(0);
    expect(init.stdout).toMatch(/--force/);
  });

  it('an unknown command gets one line with the closest spelling, exit 2', async () => {
    const result = await runCli(['inti'], { cwd: await tempDir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe("maestro: unknown command 'inti' (Did you mean init?) (see maestro --help)\n");
  });

  it('an unknown flag gets one line with the closest spelling, exit 2', async () => {
    const result = await runCli(['init', '--forse'], { cwd: await tempDir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      "maestro: unknown option '--forse' (Did you mean --force?) (see maestro --help)\n",
    );
  });
});

describe('config errors through the CLI', () => {
  it('a syntax error prints file:line:column and exits 2 without running anything', async () => {
    const repo = await tempRepo({ '.maestrorc.json': '{\n  "maxAgents": 3,,\n}\n' });
    const result = await runCli(['config'], { cwd: repo });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^maestro: \.maestrorc\.json:2:\d+: invalid JSON: /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an untrusted JS config says how to trust it; --trust-config runs it', async () => {
    const repo = await tempRepo({ 'maestro.config.mjs': 'export default { maxAgents: 12 };\n' });
    const home = await tempDir();
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
    const refused = await runCli(['config', '--json'], { cwd: repo, env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('pass --trust-config to allow it');
    const trusted = await runCli(['--trust-config', 'config', '--json'], { cwd: repo, env });
    expect(trusted.exitCode).toBe(0);
    expect((JSON.parse(trusted.stdout) as { config: { maxAgents: number } }).config.maxAgents).toBe(12);
  });
});
