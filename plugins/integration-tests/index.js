// @ts-check
/** @import { MaestroPlugin, TemplateContext } from '../../src/plugins/api.js' */
import { readPackageJson, sourceFiles, taskIdFrom } from '../_lib/helpers.js';

/** The modules worth a test suite each: service/module folders, else the top-level folders of src. */
function findModules(/** @type {string[]} */ files) {
  const sources = sourceFiles(files);
  for (const root of ['src/services/', 'src/modules/', 'services/', 'modules/', 'src/', 'lib/']) {
    /** @type {Map<string, string[]>} */
    const modules = new Map();
    for (const file of sources) {
      if (!file.startsWith(root)) continue;
      const rest = file.slice(root.length);
      const name = rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : rest.replace(/\.[^.]+$/, '');
      modules.set(name, [...(modules.get(name) ?? []), file]);
    }
    if (modules.size > 0) return { root, modules };
  }
  return null;
}

async function testFramework(/** @type {TemplateContext} */ context) {
  if (context.config.testFramework) return context.config.testFramework;
  const pkg = await readPackageJson(context);
  const deps = { ...pkg?.dependencies, ...pkg?.devDependencies };
  for (const name of ['vitest', 'jest', 'mocha']) if (name in deps) return name;
  if (/node\s.*--test/.test(pkg?.scripts?.test ?? '')) return 'node:test';
  if (context.files.includes('go.mod')) return 'go test';
  if (context.files.includes('Cargo.toml')) return 'cargo test';
  if (context.files.some((f) => f.endsWith('.py'))) return 'pytest';
  return 'node:test';
}

/** @type {MaestroPlugin} */
export default {
  name: 'integration-tests',
  templates: [
    {
      name: 'integration-tests',
      description:
        'Write integration tests for every service/module with the detected test framework, one task each',
      defaultObjective: 'Add integration tests',
      guidance:
        'Test through the public API of the module with its real collaborators; no mocks of the module itself. ' +
        'Cover the main paths and error paths. Follow the existing test layout and naming. Tests must pass.',
      async plan(context) {
        const found = findModules(context.files);
        if (!found) return null;
        const framework = await testFramework(context);
        const existingTests = context.files
          .filter((f) => /\.(test|spec)\.[^/]+$|(^|\/)tests?\//.test(f))
          .slice(0, 5);
        const taken = new Set();
        const tasks = [...found.modules].map(([name, moduleFiles]) => ({
          id: taskIdFrom('tests', name, taken),
          title: `Integration tests for ${found.root}${name}`,
          instructions:
            `${context.objective} for the module ${found.root}${name} (${moduleFiles.slice(0, 10).join(', ')}) using ${framework}. ` +
            (existingTests.length
              ? `Follow the conventions of the existing tests (e.g. ${existingTests.join(', ')}).`
              : 'Put the tests where the framework looks for them by default.'),
          files: [`**/*${name}*.test.*`, `**/*${name}*.spec.*`, `test*/**/*${name}*`],
        }));
        return { tasks };
      },
    },
  ],
};
