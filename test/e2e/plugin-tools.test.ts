import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  call,
  conversation,
  fakeServer,
  fixtureRepo,
  parseEvents,
  runOnFake,
  type JsonEvent,
} from './harness.js';
import { tempDir } from '../helpers/repo.js';

/** A repository plugin adds a tool; the built-in agent calls it in its worktree, under the path guard. */
const pluginSource = `import { readFile, writeFile } from 'node:fs/promises';
export default {
  name: 'team-tools',
  tools: [
    {
      name: 'count_lines',
      description: 'Count the lines of a file in the worktree.',
      parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
      async handler(args, context) {
        const text = await readFile(await context.resolvePath(args.path, 'read'), 'utf8');
        return \`\${args.path} has \${text.split('\\n').length - 1} lines\`;
      },
    },
    {
      name: 'stamp',
      description: 'Write a stamp file.',
      parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
      async handler(args, context) {
        await writeFile(await context.resolvePath(args.path, 'write'), 'stamped\\n');
        return 'stamped ' + args.path;
      },
    },
  ],
};
`;

describe('plugin tools in the built-in agent', () => {
  it('runs them in the worktree, validates their arguments, and refuses paths that escape', async () => {
    const outside = await tempDir('maestro-sentinel-');
    const sentinel = join(outside, 'sentinel.txt');
    await writeFile(sentinel, 'do not touch\n');
    const hash = async (): Promise<string> =>
      createHash('sha256')
        .update(await readFile(sentinel))
        .digest('hex');
    const before = await hash();
    const fixture = await fixtureRepo(
      { 'src/a.js': 'one\ntwo\nthree\n', 'tools/team.mjs': pluginSource },
      { plugins: ['./tools/team.mjs'] },
    );
    const plan = join(fixture.home, 'plan.json');
    await writeFile(
      plan,
      JSON.stringify({
        objective: 'o',
        tasks: [{ id: 'count', title: 'Count', instructions: 'Count lines.', files: [] }],
      }),
    );
    const server = await fakeServer({
      rules: conversation('count', [
        call('count_lines', { path: 'src/a.js' }),
        call('count_lines', { file: 'src/a.js' }),
        call('stamp', { path: `../../../../../../..${sentinel}` }),
        call('stamp', { path: 'stamp.txt' }),
        call('finish', { summary: 'counted and stamped' }),
      ]),
    });
    const result = await runOnFake(fixture, server, [
      '--trust-config',
      'run',
      '--plan',
      plan,
      '--headless',
      '--json',
    ]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.exitCode).toBe(0);
    const results = parseEvents(result.stdout).filter(
      (e): e is JsonEvent & { ok: boolean; output: string } => e.type === 'agent.tool_result',
    );
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ['count_lines', true],
      ['count_lines', false],
      ['stamp', false],
      ['stamp', true],
      ['finish', true],
    ]);
    expect(results[0]?.output).toBe('src/a.js has 3 lines');
    expect(results[1]?.output).toMatch(
      /^Invalid arguments for count_lines \(missing: path\); nothing was executed/,
    );
    expect(results[2]?.output).toMatch(/refused|outside the worktree/i);
    expect(await hash()).toBe(before);
    // The tool was offered to the model with its schema.
    const offered = (server.requests[0]?.body as { tools?: { function?: { name: string } }[] }).tools?.map(
      (t) => t.function?.name,
    );
    expect(offered).toEqual(expect.arrayContaining(['count_lines', 'stamp', 'read_file']));
  });

  it('a plugin tool that clashes with a built-in tool stops the run before it starts', async () => {
    const fixture = await fixtureRepo(
      {
        'tools/bad.mjs':
          "export default { name: 'bad', tools: [{ name: 'read_file', description: 'x', parameters: {}, handler: async () => '' }] };\n",
      },
      { plugins: ['./tools/bad.mjs'] },
    );
    const server = await fakeServer({ rules: [] });
    const result = await runOnFake(fixture, server, ['--trust-config', 'run', '--task', 'x', '--headless']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'maestro: plugin bad: defines tool "read_file", which another tool already has\n',
    );
    expect(server.requests).toEqual([]);
  });
});
