import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir, tempRepo } from '../helpers/repo.js';
import { configSchema } from '../../src/config/schema.js';

interface Written {
  testFramework: string | null;
  validate: string[];
}

async function initIn(files: Record<string, string>): Promise<{ written: Written; stdout: string }> {
  const repo = await tempRepo(files);
  const result = await runCli(['init'], { cwd: repo });
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  const text = await readFile(join(repo, '.maestrorc.json'), 'utf8');
  const written = JSON.parse(text) as Written;
  expect(configSchema.safeParse(written).success).toBe(true);
  return { written, stdout: result.stdout };
}

const pkg = (scripts: Record<string, string>, devDependencies: Record<string, string> = {}): string =>
  JSON.stringify({ name: 'fixture', scripts, devDependencies });

describe('maestro init detection', () => {
  const cases: [string, Record<string, string>, string | null, string[]][] = [
    [
      'jest + npm',
      { 'package.json': pkg({ test: 'jest' }, { jest: '^30' }), 'package-lock.json': '{}' },
      'jest',
      ['npm test'],
    ],
    [
      'vitest + pnpm + lint',
      {
        'package.json': pkg({ test: 'vitest run', lint: 'eslint .' }, { vitest: '^4' }),
        'pnpm-lock.yaml': '',
      },
      'vitest',
      ['pnpm lint', 'pnpm test'],
    ],
    [
      'mocha + yarn',
      { 'package.json': pkg({ test: 'mocha' }, { mocha: '^11' }), 'yarn.lock': '' },
      'mocha',
      ['yarn test'],
    ],
    ['node:test', { 'package.json': pkg({ test: 'node --test' }) }, 'node:test', ['npm test']],
    [
      'npm default test script',
      { 'package.json': pkg({ test: 'echo "Error: no test specified" && exit 1' }) },
      null,
      [],
    ],
    [
      'pytest',
      { 'pyproject.toml': '[tool.pytest.ini_options]\naddopts = "-q"\n' },
      'pytest',
      ['python -m pytest -q'],
    ],
    ['go test', { 'go.mod': 'module example.com/x\n' }, 'go test', ['go vet ./...', 'go test ./...']],
    ['cargo test', { 'Cargo.toml': '[package]\nname = "x"\n' }, 'cargo test', ['cargo test']],
  ];
  it.each(cases)('%s', async (_name, files, framework, validate) => {
    const { written, stdout } = await initIn(files);
    expect(written.testFramework).toBe(framework);
    expect(written.validate).toEqual(validate);
    expect(stdout).toMatch(/^wrote \.maestrorc\.json/);
  });
});

describe('maestro init refusals', () => {
  it('refuses to overwrite an existing config without --force', async () => {
    const repo = await tempRepo({ '.maestrorc.json': '{"maxAgents": 9}\n' });
    const refused = await runCli(['init'], { cwd: repo });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(
      'maestro: .maestrorc.json already configures maestro; pass --force to overwrite .maestrorc.json\n',
    );
    expect(await readFile(join(repo, '.maestrorc.json'), 'utf8')).toBe('{"maxAgents": 9}\n');
    const forced = await runCli(['init', '--force'], { cwd: repo });
    expect(forced.exitCode).toBe(0);
    expect(await readFile(join(repo, '.maestrorc.json'), 'utf8')).toContain('"maxAgents": 4');
  });

  it('outside a git repository says so and exits 2', async () => {
    const dir = await tempDir();
    const result = await runCli(['init'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      `maestro: ${dir} is not inside a git repository; run maestro from your project's folder (or git init first)\n`,
    );
  });
});
