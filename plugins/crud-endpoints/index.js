// @ts-check
/** @import { MaestroPlugin, TemplateContext } from '../../src/plugins/api.js' */
import { readPackageJson, sourceFiles, taskIdFrom } from '../_lib/helpers.js';

const routeCall = /\b(app|router|fastify|server|api)\.(get|post|put|patch|delete)\(\s*['"`]([^'"`]+)/g;

/** express, fastify or koa, from package.json. */
async function detectFramework(/** @type {TemplateContext} */ context) {
  const pkg = await readPackageJson(context);
  const deps = { ...pkg?.dependencies, ...pkg?.devDependencies };
  if ('fastify' in deps) return 'fastify';
  if ('koa' in deps) return 'koa';
  if ('express' in deps) return 'express';
  return null;
}

/** Model names from models/ folders, mongoose/sequelize definitions and prisma schemas. */
async function detectModels(/** @type {TemplateContext} */ context) {
  /** @type {Map<string, string>} model name -> file defining it */
  const models = new Map();
  for (const file of context.files) {
    if (file.endsWith('schema.prisma')) {
      for (const m of (await context.readFile(file)).matchAll(/^model\s+(\w+)\s*\{/gm))
        if (m[1]) models.set(m[1], file);
    }
  }
  for (const file of sourceFiles(context.files)) {
    const inModels = /(^|\/)models?\//.test(file);
    const text = await context.readFile(file);
    for (const m of text.matchAll(
      /mongoose\.model\(\s*['"](\w+)['"]|\.define\(\s*['"](\w+)['"]|class\s+(\w+)\s+extends\s+Model\b/g,
    )) {
      const name = m[1] ?? m[2] ?? m[3];
      if (name) models.set(name, file);
    }
    if (inModels && ![...models.values()].includes(file)) {
      const base =
        file
          .split('/')
          .pop()
          ?.replace(/\.[^.]+$/, '')
          .replace(/\.model$/, '') ?? '';
      if (base && base !== 'index') models.set(base.charAt(0).toUpperCase() + base.slice(1), file);
    }
  }
  return models;
}

/** Route paths already served, to skip models that have full CRUD. */
async function existingRoutes(/** @type {TemplateContext} */ context) {
  /** @type {{ file: string, method: string, path: string }[]} */
  const routes = [];
  for (const file of sourceFiles(context.files)) {
    for (const m of (await context.readFile(file)).matchAll(routeCall)) {
      routes.push({ file, method: m[2] ?? '', path: m[3] ?? '' });
    }
  }
  return routes;
}

/** @type {MaestroPlugin} */
export default {
  name: 'crud-endpoints',
  templates: [
    {
      name: 'crud-endpoints',
      description:
        'Implement CRUD endpoints (express, fastify or koa) for every model that lacks them, then register them',
      defaultObjective: 'Implement CRUD endpoints',
      guidance:
        'Follow the existing route files: same framework, file layout, validation and error style. Each resource gets ' +
        'list, get by id, create, update and delete, with 404 for unknown ids and 400 for invalid bodies.',
      async plan(context) {
        const framework = await detectFramework(context);
        if (!framework) return null;
        const models = await detectModels(context);
        const routes = await existingRoutes(context);
        const routeFiles = [...new Set(routes.map((r) => r.file))];
        const taken = new Set();
        const tasks = [];
        for (const [model, file] of models) {
          const plural = `${model.toLowerCase()}s`;
          const methods = new Set(
            routes.filter((r) => r.path.toLowerCase().includes(plural)).map((r) => r.method),
          );
          if (
            ['get', 'post', 'delete'].every((m) => methods.has(m)) &&
            (methods.has('put') || methods.has('patch'))
          )
            continue;
          tasks.push({
            id: taskIdFrom('crud', model, taken),
            title: `CRUD endpoints for ${model}`,
            instructions:
              `${context.objective} for the ${model} model (defined in ${file}) with ${framework} under /${plural}. ` +
              `Put them in their own route module${routeFiles.length ? `, like ${routeFiles.slice(0, 3).join(', ')}` : ''}; ` +
              'export it so the app can register it, but do not edit the app entry (another task does).',
            files: [`**/routes/${plural}.*`, `**/routes/${model.toLowerCase()}.*`, `**/${plural}.routes.*`],
          });
        }
        if (tasks.length === 0) return null;
        tasks.push({
          id: taskIdFrom('crud', 'register', taken),
          title: 'Register the new CRUD routes',
          instructions: `Register the route modules created for ${[...models.keys()].join(', ')} in the ${framework} app entry, following how existing routes are registered.`,
          files: routeFiles.length
            ? routeFiles
            : ['src/app.*', 'src/index.*', 'app.*', 'index.*', 'server.*'],
          dependsOn: tasks.map((t) => t.id),
        });
        return { tasks };
      },
    },
  ],
};
