// @ts-check
/** @import { MaestroPlugin } from '../../src/plugins/api.js' */
import { sourceFiles, taskIdFrom, undocumentedSymbols } from '../_lib/helpers.js';

/** @type {MaestroPlugin} */
export default {
  name: 'add-jsdoc',
  templates: [
    {
      name: 'add-jsdoc',
      description: 'Document every exported function and class that lacks a JSDoc comment, one task per file',
      defaultObjective: 'Add JSDoc comments to the exported functions and classes that have none',
      guidance:
        'Write JSDoc that says what a function is for, its parameters and return value, and the errors it throws. ' +
        'Do not change code, only add comments. Keep existing comments.',
      async plan(context) {
        const taken = new Set();
        const tasks = [];
        for (const file of sourceFiles(context.files)) {
          const missing = undocumentedSymbols(await context.readFile(file));
          if (missing.length === 0) continue;
          tasks.push({
            id: taskIdFrom('jsdoc', file, taken),
            title: `JSDoc for ${file}`,
            instructions:
              `${context.objective} in ${file}. These have no doc comment yet: ${missing.join(', ')}. ` +
              'Add a JSDoc block above each (purpose, @param, @returns, @throws where relevant). Change nothing else.',
            files: [file],
          });
        }
        return tasks.length > 0 ? { tasks } : null;
      },
    },
  ],
};
