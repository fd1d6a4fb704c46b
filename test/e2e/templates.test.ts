import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  editAndFinish,
  eventOf,
  fakeServer,
  fixtureRepo,
  isolatedEnv,
  parseEvents,
  runOnFake,
  showOnBranch,
  type Edit,
} from './harness.js';

/** Each built-in template end to end: a fixture where it finds work, scripted agents, a real run. */

const math = 'export function add(a, b) {\n  return a + b;\n}\n';
const lintScript =
  "import { readFileSync } from 'node:fs';\n" +
  "const text = readFileSync('src/math.js', 'utf8');\n" +
  "if (text.includes('var ')) { console.log('src/math.js:2:3: Unexpected var, use let or const instead (no-var)'); process.exit(1); }\n";

interface TemplateCase {
  template: string;
  files: Record<string, string>;
  args?: string[];
  /** The task ids the template generates for this fixture, each with the edit its agent makes. */
  tasks: Record<string, Edit & { expect: string }>;
}

const cases: TemplateCase[] = [
  {
    template: 'add-jsdoc',
    files: { 'src/math.js': math },
    tasks: {
      'jsdoc-src-math': {
        path: 'src/math.js',
        search: 'export function add',
        replace: '/** Adds two numbers. */\nexport function add',
        expect: '/** Adds two numbers. */',
      },
    },
  },
  {
    template: 'add-types',
    files: { 'src/math.js': math },
    tasks: {
      'types-src-math': {
        path: 'src/math.js',
        search: 'export function add',
        replace: '// @ts-check\n/** @param {number} a @param {number} b */\nexport function add',
        expect: '@param {number} a',
      },
    },
  },
  {
    template: 'crud-endpoints',
    files: {
      'package.json': JSON.stringify({ name: 'shop', type: 'module', dependencies: { express: '^4' } }),
      'src/models/user.js': 'export class User {}\n',
      'src/app.js':
        "import express from 'express';\nexport const app = express();\napp.get('/health', (req, res) => res.send('ok'));\n",
    },
    tasks: {
      'crud-user': {
        path: 'src/routes/users.js',
        content:
          "import { Router } from 'express';\nexport const users = Router();\nusers.get('/users', (req, res) => res.json([]));\n",
        expect: "users.get('/users'",
      },
      'crud-register': {
        path: 'src/app.js',
        search: "app.get('/health'",
        replace: "app.use(users);\napp.get('/health'",
        expect: 'app.use(users);',
      },
    },
  },
  {
    template: 'integration-tests',
    files: { 'src/math.js': math },
    tasks: {
      'tests-math': {
        path: 'test/math.test.js',
        content:
          "import { test } from 'node:test';\nimport { add } from '../src/math.js';\ntest('add', () => add(1, 2));\n",
        expect: "test('add'",
      },
    },
  },
  {
    template: 'fix-lint',
    files: {
      'package.json': JSON.stringify({ name: 'linted', type: 'module', scripts: { lint: 'node lint.mjs' } }),
      'lint.mjs': lintScript,
      'src/math.js': 'export function add(a, b) {\n  var sum = a + b;\n  return sum;\n}\n',
    },
    tasks: {
      'lint-src-math': {
        path: 'src/math.js',
        search: 'var sum',
        replace: 'const sum',
        expect: 'const sum = a + b;',
      },
    },
  },
  {
    template: 'update-docs',
    files: { 'src/math.js': math, 'README.md': '# math\n\nExports sum().\n' },
    tasks: {
      'docs-readme': {
        path: 'README.md',
        search: 'Exports sum().',
        replace: 'Exports add(a, b).',
        expect: 'Exports add(a, b).',
      },
    },
  },
  {
    template: 'nextjs-api-routes',
    files: { 'app/page.tsx': 'export default function Page() {\n  return null;\n}\n' },
    args: ['--task', 'Generate API routes for users'],
    tasks: {
      'route-users': {
        path: 'app/api/users/route.ts',
        content: 'export async function GET() {\n  return Response.json([]);\n}\n',
        expect: 'export async function GET()',
      },
    },
  },
];

describe('built-in templates end to end', () => {
  it.each(cases)('$template plans from the repo, agents edit, every task merges', async (c) => {
    const server = await fakeServer({
      tokenLatencyMs: 0,
      rules: Object.entries(c.tasks).flatMap(([id, edit]) => editAndFinish(id, edit)),
    });
    const fixture = await fixtureRepo(c.files);
    const result = await runOnFake(fixture, server, [
      'run',
      '--template',
      c.template,
      ...(c.args ?? []),
      '--headless',
      '--json',
    ]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.exitCode).toBe(0);
    const events = parseEvents(result.stdout);
    const plan = eventOf(events, 'plan.ready') as unknown as {
      source: string;
      plan: { tasks: { id: string }[] };
    };
    expect(plan.source).toBe('template');
    const ids = Object.keys(c.tasks).sort();
    expect(plan.plan.tasks.map((t) => t.id).sort()).toEqual(ids);
    // The template planned: the model was only asked to run the tasks, never to plan.
    expect(server.requests.every((r) => !r.rawBody.includes('submit_plan'))).toBe(true);
    expect(
      events
        .filter((e) => e.type === 'task.merged')
        .map((e) => e.taskId)
        .sort(),
    ).toEqual(ids);
    expect(eventOf(events, 'run.finished')).toMatchObject({ status: 'merged', failed: [], conflicted: [] });
    const branch = String(eventOf(events, 'run.started').resultBranch);
    for (const edit of Object.values(c.tasks)) {
      expect(showOnBranch(fixture.repo, branch, edit.path)).toContain(edit.expect);
    }
  });

  it('maestro templates lists every built-in template', async () => {
    const fixture = await fixtureRepo({ 'README.md': '# x\n' });
    const result = await runCli(['templates', '--json'], {
      cwd: fixture.repo,
      env: isolatedEnv(fixture.home),
    });
    expect(result.exitCode).toBe(0);
    const names = (JSON.parse(result.stdout) as { name: string }[]).map((row) => row.name);
    expect(names).toEqual(expect.arrayContaining(cases.map((c) => c.template)));
    const text = await runCli(['templates'], { cwd: fixture.repo, env: isolatedEnv(fixture.home) });
    for (const c of cases) expect(text.stdout).toMatch(new RegExp(`^${c.template}\\s`, 'm'));
  });

  it('a template that finds nothing to do exits 2 with one clear line, before any model call', async () => {
    const server = await fakeServer({ rules: [] });
    const fixture = await fixtureRepo({ 'README.md': '# no package.json, no models\n' });
    const result = await runOnFake(fixture, server, ['run', '--template', 'crud-endpoints', '--headless']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('template crud-endpoints found nothing to do in this repository.');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
  });
});
