import { realSandbox } from '../helpers/sandbox.js';
import { describe, expect, it } from 'vitest';
import { loadPlugins } from '../../src/plugins/loader.js';
import { createTemplateContext } from '../../src/plugins/template-context.js';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { planSchema } from '../../src/orchestrator/plan.js';
import { tempRepo } from '../helpers/repo.js';

async function planFor(
  template: string,
  files: Record<string, string>,
  objective = '',
  config: ConfigInput = {},
) {
  const repo = await tempRepo(files);
  const parsed = configSchema.parse(config);
  const set = await loadPlugins({ config: parsed, baseDir: repo, trust: () => Promise.resolve(false) });
  const loaded = set.templates.get(template);
  if (!loaded?.template.plan) throw new Error(`no plan function for ${template}`);
  const context = await createTemplateContext(
    repo,
    parsed,
    objective || loaded.template.defaultObjective || '',
    () => realSandbox(repo),
  );
  const draft = await loaded.template.plan(context);
  if (draft) expect(planSchema.safeParse({ objective, tasks: draft.tasks }).success).toBe(true);
  return draft?.tasks ?? null;
}

describe('built-in templates plan from the repository', () => {
  it('add-jsdoc: one task per file with undocumented exports, naming them', async () => {
    const tasks = await planFor('add-jsdoc', {
      'src/math.js':
        'export function add(a, b) { return a + b; }\n/** Doc. */\nexport function sub(a, b) { return a - b; }\n',
      'src/done.js': '/** Documented. */\nexport const twice = (x) => x * 2;\n',
      'src/math.test.js': 'export function helper() {}\n',
    });
    expect(tasks?.map((t) => t.files)).toEqual([['src/math.js']]);
    expect(tasks?.[0]?.instructions).toContain('These have no doc comment yet: add.');
  });

  it('add-types: JSDoc types in a JS project, annotations in TS files', async () => {
    const tasks = await planFor('add-types', {
      'src/a.js': 'export function area(w, h) { return w * h; }\n',
      'src/typed.ts': 'export function f(a: number): number { return a; }\n',
      'src/loose.ts': 'export function g(a, b: string) { return a + b; }\n',
    });
    expect(tasks?.map((t) => t.files?.[0]).sort()).toEqual(['src/a.js', 'src/loose.ts']);
    expect(tasks?.find((t) => t.files?.[0] === 'src/a.js')?.instructions).toContain('// @ts-check');
  });

  it('crud-endpoints: detects express and models, skips models with full CRUD, registers last', async () => {
    const tasks = await planFor('crud-endpoints', {
      'package.json': JSON.stringify({ dependencies: { express: '^5' } }),
      'src/models/user.js': "export const User = mongoose.model('User', schema);\n",
      'src/models/post.js': "export const Post = mongoose.model('Post', schema);\n",
      'src/routes/users.js':
        "router.get('/users', list);\nrouter.get('/users/:id', get);\nrouter.post('/users', create);\nrouter.put('/users/:id', update);\nrouter.delete('/users/:id', remove);\n",
      'src/app.js': "app.use('/users', usersRouter);\n",
    });
    expect(tasks?.map((t) => t.id)).toEqual(['crud-post', 'crud-register']);
    expect(tasks?.[0]?.instructions).toContain('with express under /posts');
    expect(tasks?.[1]?.dependsOn).toEqual(['crud-post']);
  });

  it('crud-endpoints: nothing to do without a web framework', async () => {
    expect(await planFor('crud-endpoints', { 'src/models/user.js': 'x\n' })).toBeNull();
  });

  it('integration-tests: one task per service using the configured framework', async () => {
    const tasks = await planFor(
      'integration-tests',
      {
        'src/services/billing/index.ts': 'export {}\n',
        'src/services/auth/login.ts': 'export {}\n',
        'test/x.test.ts': '',
      },
      '',
      { testFramework: 'vitest' },
    );
    expect(tasks?.map((t) => t.title).sort()).toEqual([
      'Integration tests for src/services/auth',
      'Integration tests for src/services/billing',
    ]);
    expect(tasks?.[0]?.instructions).toContain('using vitest');
  });

  it("fix-lint: runs the project's lint script and makes one task per flagged file", async () => {
    const tasks = await planFor('fix-lint', {
      'package.json': JSON.stringify({ scripts: { lint: 'node lint.mjs' } }),
      'lint.mjs':
        "console.log('src/a.js:3:7: no-unused-vars x is unused');\nconsole.log('src/a.js:9:1: semi missing');\nconsole.log('src/b.js:1:1: eqeqeq use ===');\nprocess.exit(1);\n",
      'src/a.js': 'a\n',
      'src/b.js': 'b\n',
    });
    expect(tasks?.map((t) => t.files?.[0])).toEqual(['src/a.js', 'src/b.js']);
    expect(tasks?.[0]?.instructions).toContain(
      '- line 3:7 no-unused-vars x is unused\n- line 9:1 semi missing',
    );
  });

  it('fix-lint: nothing to do when the linter is clean', async () => {
    const tasks = await planFor('fix-lint', {
      'package.json': JSON.stringify({ scripts: { lint: 'node -e 0' } }),
      'src/a.js': 'a\n',
    });
    expect(tasks).toBeNull();
  });

  it('update-docs: one task per document', async () => {
    const tasks = await planFor('update-docs', {
      'README.md': '# x\n',
      'docs/api.md': '# api\n',
      'src/index.ts': 'export {}\n',
    });
    expect(tasks?.map((t) => t.files?.[0])).toEqual(['README.md', 'docs/api.md']);
  });

  it('nextjs-api-routes (example plugin): resources from the objective', async () => {
    const tasks = await planFor(
      'nextjs-api-routes',
      {
        'package.json': JSON.stringify({ dependencies: { next: '^16' } }),
        'app/page.tsx': 'export default function P() {}\n',
      },
      'Generate API routes for users and invoices',
    );
    expect(tasks?.map((t) => t.id)).toEqual(['route-users', 'route-invoices']);
  });
});
