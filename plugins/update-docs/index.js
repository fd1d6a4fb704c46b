// @ts-check
/** @import { MaestroPlugin } from '../../src/plugins/api.js' */
import { sourceFiles, taskIdFrom } from '../_lib/helpers.js';

const docPattern = /^(README|CONTRIBUTING|CHANGELOG)\.mdx?$|^docs\/.+\.mdx?$/i;

/** @type {MaestroPlugin} */
export default {
  name: 'update-docs',
  templates: [
    {
      name: 'update-docs',
      description: 'Bring README and docs/ up to date with the code, one task per document',
      defaultObjective: 'Update the documentation so it matches the code',
      guidance:
        'Check every command, option, function name, configuration key and example in the document against the ' +
        "source. Fix what is stale or missing; keep what is correct and the document's voice. Never invent features.",
      async plan(context) {
        const docs = context.files.filter((file) => docPattern.test(file) && !/^CHANGELOG/i.test(file));
        const sources = sourceFiles(context.files).slice(0, 40);
        const taken = new Set();
        const tasks = docs.map((file) => ({
          id: taskIdFrom('docs', file, taken),
          title: `Update ${file}`,
          instructions:
            `${context.objective}: ${file}. Read the code it describes (start with: ${sources.join(', ') || 'the source tree'}) ` +
            'and correct the document where it disagrees with the code.',
          files: [file],
        }));
        return tasks.length > 0 ? { tasks } : null;
      },
    },
  ],
};
