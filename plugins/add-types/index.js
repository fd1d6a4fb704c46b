// @ts-check
/** @import { MaestroPlugin, TemplateContext } from '../../src/plugins/api.js' */
import { sourceFiles, taskIdFrom } from '../_lib/helpers.js';

const untypedParameter = /function\s*\*?\s*[\w$]*\s*\(([^)]*)\)|\(([^()]*)\)\s*=>/g;

/** True when some function in a TypeScript text has a parameter without a type annotation. */
function hasUntypedParameters(/** @type {string} */ text) {
  for (const match of text.matchAll(untypedParameter)) {
    const params = (match[1] ?? match[2] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (params.some((p) => !p.includes(':') && !p.startsWith('{') && !p.startsWith('['))) return true;
  }
  return false;
}

/** True when a JS text has functions but no JSDoc parameter types. */
function lacksJsdocTypes(/** @type {string} */ text) {
  return /function|=>/.test(text) && !/@param\s*\{/.test(text);
}

async function usesTypeScript(/** @type {TemplateContext} */ context) {
  return context.files.includes('tsconfig.json');
}

/** @type {MaestroPlugin} */
export default {
  name: 'add-types',
  templates: [
    {
      name: 'add-types',
      description: 'Add types: TypeScript annotations in .ts files, JSDoc types (// @ts-check) in .js files',
      defaultObjective: 'Add types to the functions that have none',
      guidance:
        'Prefer precise types over any. Do not change behaviour. In .js files use JSDoc (@param {Type}, @returns, ' +
        '@typedef) and add // @ts-check at the top; in .ts files use annotations. Keep public signatures compatible.',
      async plan(context) {
        const typescript = await usesTypeScript(context);
        const taken = new Set();
        const tasks = [];
        for (const file of sourceFiles(context.files)) {
          const text = await context.readFile(file);
          const isTs = /\.(m|c)?tsx?$/.test(file);
          if (isTs ? !hasUntypedParameters(text) : !lacksJsdocTypes(text)) continue;
          const how = isTs
            ? 'Annotate every parameter and exported function return type.'
            : typescript
              ? 'This project uses TypeScript: add JSDoc types the TypeScript checker understands (allowJs/checkJs style).'
              : 'Add JSDoc types and // @ts-check so editors and tsc --checkJs can verify it.';
          tasks.push({
            id: taskIdFrom('types', file, taken),
            title: `Types for ${file}`,
            instructions: `${context.objective} in ${file}. ${how}`,
            files: [file],
          });
        }
        return tasks.length > 0 ? { tasks } : null;
      },
    },
  ],
};
