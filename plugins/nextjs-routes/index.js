// @ts-check
// An example community-style plugin: generate Next.js App Router API routes. It shows the three
// things a plugin can add: a template, an agent tool, and lifecycle hooks.
/** @import { MaestroPlugin, TemplateContext } from '../../src/plugins/api.js' */

/** The app router folder (app/ or src/app/), or null when this is not an App Router project. */
function appDir(/** @type {TemplateContext} */ context) {
  if (context.files.some((f) => f.startsWith('src/app/'))) return 'src/app';
  if (context.files.some((f) => f.startsWith('app/'))) return 'app';
  return null;
}

/** Resources from the objective ("users, posts") or, failing that, from prisma models. */
async function resources(/** @type {TemplateContext} */ context) {
  const named = context.objective
    .match(/\b[a-z][a-z0-9-]*s\b/g)
    ?.filter((w) => !['routes', 'endpoints', 'handlers'].includes(w));
  if (named && named.length) return [...new Set(named)];
  const schema = context.files.find((f) => f.endsWith('schema.prisma'));
  if (!schema) return [];
  return [...(await context.readFile(schema)).matchAll(/^model\s+(\w+)/gm)].map(
    (m) => `${(m[1] ?? '').toLowerCase()}s`,
  );
}

/** @type {MaestroPlugin} */
export default {
  name: 'nextjs-routes',
  templates: [
    {
      name: 'nextjs-api-routes',
      description: 'Next.js App Router: a route.ts per resource (list/create) and per id (get/update/delete)',
      defaultObjective: 'Generate API routes',
      guidance:
        'Use Route Handlers (export async function GET/POST/PATCH/DELETE) with NextResponse.json and proper status codes.',
      async plan(context) {
        const dir = appDir(context);
        if (!dir) return null;
        const names = await resources(context);
        return names.length === 0
          ? null
          : {
              tasks: names.map((name) => ({
                id: `route-${name}`.slice(0, 60),
                title: `API routes for ${name}`,
                instructions:
                  `${context.objective} for "${name}": ${dir}/api/${name}/route.ts (GET list, POST create) and ` +
                  `${dir}/api/${name}/[id]/route.ts (GET, PATCH, DELETE). Reuse the project's data access layer.`,
                files: [`${dir}/api/${name}/**`],
              })),
            };
      },
    },
  ],
  tools: [
    {
      name: 'list_api_routes',
      description:
        'List the Next.js API route files (route.ts/js) that exist in the worktree, to follow their style.',
      parameters: { type: 'object', properties: {}, additionalProperties: false },
      async handler(_args, context) {
        // listFiles, not readdir: a recursive readdir follows symlinked folders out of the worktree.
        const found = (await context.listFiles('.')).filter((f) =>
          /^(src\/)?app\/api\/(.*\/)?route\.[jt]sx?$/.test(f),
        );
        return found.length ? found.join('\n') : 'no API routes yet';
      },
    },
  ],
  hooks: {
    afterPlan({ plan }) {
      // Route tasks own their folder: make that explicit so overlap prediction sees it.
      return {
        ...plan,
        tasks: plan.tasks.map((t) =>
          t.id.startsWith('route-') && t.files.length === 0 ? { ...t, files: ['app/api/**'] } : t,
        ),
      };
    },
  },
};
