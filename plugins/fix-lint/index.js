// @ts-check
/** @import { MaestroPlugin, TemplateContext } from '../../src/plugins/api.js' */
import { readPackageJson, taskIdFrom } from '../_lib/helpers.js';

/** `path:line:col: message` (eslint -f unix, ruff concise, tsc-like linters). */
const problemLine = /^(?:\.\/)?([^\s:][^:]*):(\d+):(\d+):?\s+(.+)$/;

/** Run the project's linter and group its problems by file. */
async function lintProblems(/** @type {TemplateContext} */ context) {
  const pkg = await readPackageJson(context);
  const deps = { ...pkg?.dependencies, ...pkg?.devDependencies };
  const attempts = [];
  if ('eslint' in deps) attempts.push(['npx', ['--no-install', 'eslint', '--format', 'unix', '.']]);
  if (pkg?.scripts?.lint) attempts.push(['npm', ['run', '--silent', 'lint']]);
  if (context.files.some((f) => f.endsWith('.py')))
    attempts.push(['ruff', ['check', '--output-format', 'concise', '.']]);
  for (const [command, args] of /** @type {[string, string[]][]} */ (attempts)) {
    const result = await context.exec(command, args, { timeoutMs: 300_000 });
    if (result.exitCode === null) continue;
    /** @type {Map<string, string[]>} */
    const byFile = new Map();
    for (const line of `${result.stdout}\n${result.stderr}`.split('\n')) {
      const match = problemLine.exec(line.trim());
      if (!match) continue;
      const file = (match[1] ?? '').replace(`${context.root}/`, '');
      if (!context.files.includes(file)) continue;
      byFile.set(file, [...(byFile.get(file) ?? []), `line ${match[2]}:${match[3]} ${match[4]}`]);
    }
    if (byFile.size > 0 || result.exitCode === 0) return { command: [command, ...args].join(' '), byFile };
  }
  return null;
}

/** @type {MaestroPlugin} */
export default {
  name: 'fix-lint',
  templates: [
    {
      name: 'fix-lint',
      description: "Run the project's linter and fix what it flags, one task per file",
      defaultObjective: 'Fix the lint problems',
      guidance:
        'Fix the reported problems without disabling rules or adding ignore comments, and without changing behaviour.',
      async plan(context) {
        const found = await lintProblems(context);
        if (!found || found.byFile.size === 0) return null;
        const taken = new Set();
        const tasks = [...found.byFile].map(([file, problems]) => ({
          id: taskIdFrom('lint', file, taken),
          title: `Fix lint in ${file}`,
          instructions:
            `${context.objective} in ${file} reported by \`${found.command}\`:\n` +
            problems
              .slice(0, 50)
              .map((p) => `- ${p}`)
              .join('\n') +
            (problems.length > 50 ? `\n(and ${problems.length - 50} more)` : ''),
          files: [file],
        }));
        return { tasks };
      },
    },
  ],
};
