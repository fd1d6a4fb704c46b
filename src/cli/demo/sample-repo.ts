import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { git } from '../../git/runner.js';

/** A small but real JavaScript project the demo works on: a library, a CLI, tests that pass. */
export const sampleFiles: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'tinygreet', version: '1.0.0', type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`,
  'README.md': '# tinygreet\n\nA tiny greeting library.\n\n## Usage\n\n    node src/cli.js ada\n',
  'src/math.js':
    'export function sum(values) {\n  return values.reduce((total, value) => total + value, 0);\n}\n',
  'src/strings.js':
    'export function capitalize(word) {\n  return word.charAt(0).toUpperCase() + word.slice(1);\n}\n',
  'src/greet.js':
    "import { capitalize } from './strings.js';\n\nexport function greet(name) {\n  return `Hello, ${capitalize(name)}!`;\n}\n",
  'src/cli.js': "import { greet } from './greet.js';\n\nconsole.log(greet(process.argv[2] ?? 'world'));\n",
  'test/math.test.js':
    "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { sum } from '../src/math.js';\n\ntest('sum adds', () => assert.equal(sum([1, 2, 3]), 6));\n",
  'test/greet.test.js':
    "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { greet } from '../src/greet.js';\n\ntest('greet capitalizes', () => assert.equal(greet('ada'), 'Hello, Ada!'));\n",
  '.gitignore': 'node_modules/\n',
};

/**
 * Create the sample repository with one commit on `main`, its own committer identity, and a
 * config that validates with its tests and keeps worktrees in `worktreeDir`.
 */
export async function createSampleRepo(dir: string, options: { worktreeDir: string }): Promise<void> {
  const config = {
    defaultModel: 'gpt-6.2-sol',
    maxAgents: 4,
    validate: ['node --test'],
    worktreeDir: options.worktreeDir,
  };
  const files = { ...sampleFiles, '.maestrorc.json': `${JSON.stringify(config, null, 2)}\n` };
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
  await git(['init', '-q', '-b', 'main'], { cwd: dir });
  for (const [key, value] of [
    ['user.name', 'maestro demo'],
    ['user.email', 'demo@maestro.invalid'],
    ['commit.gpgsign', 'false'],
  ] as const) {
    await git(['config', key, value], { cwd: dir });
  }
  await git(['add', '-A'], { cwd: dir });
  await git(['commit', '-q', '-m', 'tinygreet 1.0.0'], { cwd: dir });
}
