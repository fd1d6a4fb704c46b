import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { launcher } from '../helpers/cli.js';
import { tempDir } from '../helpers/repo.js';

/** Runs the example GitHub Actions workflow's own shell steps locally, with `npx maestro-ai-orchestrator` shimmed. */

export const workflowFile = fileURLToPath(
  new URL('../../examples/github-actions/maestro-nightly.yml', import.meta.url),
);

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
}

interface Workflow {
  jobs: Record<string, { strategy?: { matrix?: { template?: string[] } }; steps: Step[] }>;
}

export interface NightlyWorkflow {
  templates: string[];
  identity: Step;
  maestro: Step & { run: string };
}

export function loadNightlyWorkflow(): NightlyWorkflow {
  const workflow = parse(readFileSync(workflowFile, 'utf8')) as Workflow;
  const job = Object.values(workflow.jobs)[0];
  if (!job) throw new Error('the workflow has no job');
  const step = (name: string): Step => {
    const found = job.steps.find((s) => s.name === name);
    if (!found?.run) throw new Error(`the workflow has no "${name}" step with a run script`);
    return found;
  };
  const maestro = step('Run maestro') as Step & { run: string };
  return {
    templates: job.strategy?.matrix?.template ?? [],
    identity: step("Configure git identity for maestro's commits"),
    maestro,
  };
}

/** `${{ expr }}` replaced from `values`; an expression the test does not know fails loudly. */
export function expand(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_all, expr: string) => {
    const value = values[expr];
    if (value === undefined)
      throw new Error(`the workflow uses \${{ ${expr} }}, which the test does not provide`);
    return value;
  });
}

/**
 * A bin folder for PATH: `npx --yes maestro-ai-orchestrator ...` runs our launcher on this Node,
 * and `gh` is a fake that logs its arguments to $GH_LOG and succeeds.
 */
export async function ciBin(): Promise<string> {
  const bin = await tempDir('maestro-e2e-bin-');
  await writeFile(
    join(bin, 'npx'),
    '#!/bin/sh\n' +
      'if [ "$1" != --yes ] || [ "$2" != maestro-ai-orchestrator ]; then echo "unexpected npx call: $*" >&2; exit 127; fi\n' +
      'shift 2\n' +
      `exec '${process.execPath}' '${launcher}' "$@"\n`,
  );
  await writeFile(
    join(bin, 'gh'),
    '#!/bin/sh\n' +
      'printf \'%s\\n\' "$*" >> "$GH_LOG"\n' +
      'case "$1" in\n' +
      '  --version) echo "gh version 2.99.0 (fake)" ;;\n' +
      '  pr) echo "https://github.com/example/shop/pull/7" ;;\n' +
      'esac\n',
  );
  await chmod(join(bin, 'npx'), 0o755);
  await chmod(join(bin, 'gh'), 0o755);
  return bin;
}

/** One `run:` script as GitHub runs it (`bash --noprofile --norc -eo pipefail`), in `cwd`. */
export async function runStep(
  script: string,
  options: { cwd: string; env: Record<string, string> },
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const dir = await tempDir('maestro-e2e-step-');
  const file = join(dir, 'step.sh');
  await writeFile(file, script);
  const result = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    cwd: options.cwd,
    env: options.env,
    reject: false,
    timeout: 60_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** The nightly's fixture: a linter that flags src/math.js, and a README that names the wrong function. */
export const nightlyFiles: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'nightly', type: 'module', scripts: { lint: 'node lint.mjs' } })}\n`,
  'lint.mjs':
    "import { readFileSync } from 'node:fs';\n" +
    "if (readFileSync('src/math.js', 'utf8').includes('var ')) {\n" +
    "  console.log('src/math.js:2:3: Unexpected var, use let or const instead (no-var)');\n" +
    '  process.exit(1);\n' +
    '}\n',
  'src/math.js': 'export function add(a, b) {\n  var sum = a + b;\n  return sum;\n}\n',
  'README.md': '# nightly\n\nExports sum().\n',
};

/** Per template: the task it generates on the fixture, the agent's edit, and what the result must show. */
export const nightlyTasks: Record<string, { taskId: string; path: string; search: string; replace: string }> =
  {
    'fix-lint': { taskId: 'lint-src-math', path: 'src/math.js', search: 'var sum', replace: 'const sum' },
    'update-docs': {
      taskId: 'docs-readme',
      path: 'README.md',
      search: 'Exports sum().',
      replace: 'Exports add(a, b).',
    },
  };
