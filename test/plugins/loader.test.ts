import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadPlugins, PluginError } from '../../src/plugins/loader.js';
import { runHooks, runAfterPlan, HookError } from '../../src/plugins/hooks.js';
import { configSchema } from '../../src/config/schema.js';
import type { TrustDecider } from '../../src/config/trust.js';
import { tempDir, writeFiles } from '../helpers/repo.js';

const trustAll: TrustDecider = () => Promise.resolve(true);
const trustNone: TrustDecider = () => Promise.resolve(false);
const builtins = [
  'add-jsdoc',
  'add-types',
  'crud-endpoints',
  'fix-lint',
  'integration-tests',
  'update-docs',
  'nextjs-api-routes',
];

async function load(files: Record<string, string>, plugins: string[], trust = trustAll, templates = {}) {
  const dir = await tempDir();
  await writeFiles(dir, files);
  const config = configSchema.parse({ plugins, templates });
  return loadPlugins({ config, baseDir: dir, trust });
}

describe('plugin loading', () => {
  it('loads every built-in template', async () => {
    const set = await load({}, []);
    expect([...set.templates.keys()].sort()).toEqual([...builtins].sort());
    expect(set.templates.get('nextjs-api-routes')?.source).toBe('nextjs-routes');
  });

  it('loads a plugin from a relative path, with its templates, tools and hooks', async () => {
    const set = await load(
      {
        'tools/p.mjs':
          "export default { name: 'team', templates: [{ name: 'add-stories', description: 'stories' }], " +
          "tools: [{ name: 'ping', description: 'p', parameters: {}, handler: async () => 'pong' }], hooks: { afterRun() {} } };\n",
      },
      ['./tools/p.mjs'],
    );
    expect(set.templates.get('add-stories')?.source).toBe('team');
    expect(set.plugins.map((p) => p.name)).toContain('team');
  });

  it('refuses a repository plugin that is not trusted, naming it', async () => {
    const error = await load({ 'p.mjs': "export default { name: 'x' };\n" }, ['./p.mjs'], trustNone).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).message).toBe(
      'plugin ./p.mjs: runs code from this repository; pass --trust-config to allow it',
    );
    expect((error as PluginError).exitCode).toBe(2);
  });

  it('names a plugin that fails to load, with its error', async () => {
    const error = await load({ 'broken.mjs': 'export default {;\n' }, ['./broken.mjs']).catch(
      (e: unknown) => e,
    );
    expect((error as PluginError).message).toMatch(/^plugin \.\/broken\.mjs: failed to load: /);
  });

  it('names a plugin that throws while loading', async () => {
    const error = await load({ 'boom.mjs': "throw new Error('no database');\n" }, ['./boom.mjs']).catch(
      (e: unknown) => e,
    );
    expect((error as PluginError).message).toBe('plugin ./boom.mjs: failed to load: no database');
  });

  it('rejects a module that is not a plugin', async () => {
    const error = await load({ 'bad.mjs': 'export default { templates: [] };\n' }, ['./bad.mjs']).catch(
      (e: unknown) => e,
    );
    expect((error as PluginError).message).toMatch(
      /^plugin \.\/bad\.mjs: does not export a valid plugin \(name: /,
    );
  });

  it('says how to install a missing package plugin', async () => {
    const error = await load({}, ['maestro-plugin-nope']).catch((e: unknown) => e);
    expect((error as PluginError).message).toMatch(
      /^plugin maestro-plugin-nope: cannot be found from .*; install it \(npm install -D maestro-plugin-nope\)/,
    );
  });

  it('rejects two plugins defining the same template', async () => {
    const error = await load(
      { 'a.mjs': "export default { name: 'a', templates: [{ name: 'fix-lint', description: 'mine' }] };\n" },
      ['./a.mjs'],
    ).catch((e: unknown) => e);
    expect((error as PluginError).message).toBe(
      'plugin a: defines template "fix-lint", already defined by plugin fix-lint',
    );
  });

  it('lets config team templates override built-ins', async () => {
    const set = await load({}, [], trustAll, { 'fix-lint': { description: 'our way', each: 'src/**/*.ts' } });
    expect(set.templates.get('fix-lint')).toMatchObject({
      source: 'config',
      template: { description: 'our way', each: 'src/**/*.ts' },
    });
  });
});

describe('hooks', () => {
  it('a throwing hook fails with the plugin named', async () => {
    const set = await load(
      {
        'h.mjs':
          "export default { name: 'guard', hooks: { beforeTask() { throw new Error('branch frozen'); } } };\n",
      },
      ['./h.mjs'],
    );
    const task = { id: 't1', title: 'T', instructions: 'do', files: [], dependsOn: [] };
    const error = await runHooks(set.plugins, 'beforeTask', { runId: 'r', task }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HookError);
    expect((error as HookError).message).toBe('plugin guard: beforeTask hook failed: branch frozen');
  });

  it('afterPlan hooks can change the plan in turn', async () => {
    const set = await load(
      {
        'h.mjs':
          "export default { name: 'h', hooks: { afterPlan({ plan }) { return { ...plan, tasks: plan.tasks.filter((t) => t.id !== 'drop') }; } } };\n",
      },
      ['./h.mjs'],
    );
    const plan = {
      objective: 'x',
      tasks: [
        { id: 'keep', title: 'K', instructions: 'k', files: [], dependsOn: [] },
        { id: 'drop', title: 'D', instructions: 'd', files: [], dependsOn: [] },
      ],
    };
    const result = await runAfterPlan(set.plugins, { runId: 'r', plan });
    expect(result.tasks.map((t) => t.id)).toEqual(['keep']);
  });
});

describe('plugin file layout', () => {
  it('resolves relative plugin paths from the config folder', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'cfg/p.mjs': "export default { name: 'nested' };\n" });
    const set = await loadPlugins({
      config: configSchema.parse({ plugins: ['./p.mjs'] }),
      baseDir: join(dir, 'cfg'),
      trust: trustAll,
    });
    expect(set.plugins.at(-1)?.name).toBe('nested');
  });
});
