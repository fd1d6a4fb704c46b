import type { FakeReply, FakeRule, FakeScenario } from '../../llm/fake/scenario.js';

/**
 * The demo's scripted models: a planner that splits the objective into five tasks, and one
 * conversation per task that really reads, edits, tests and finishes in its worktree. Two tasks
 * change the same README line, so one conflict reaches review.
 */
export const demoObjective =
  'Grow tinygreet: clamp and slugify helpers, an excited greeting with a CLI flag, a better README intro';

export const demoPlan = {
  objective: demoObjective,
  tasks: [
    {
      id: 'add-clamp',
      title: 'Add clamp() to the math helpers',
      instructions: 'Add clamp(value, min, max) to src/math.js and a test for it.',
      files: ['src/math.js', 'test/clamp.test.js'],
      dependsOn: [],
    },
    {
      id: 'add-slugify',
      title: 'Add slugify() to the string helpers',
      instructions: 'Add slugify(text) to src/strings.js and mention it in the README intro.',
      files: ['src/strings.js', 'README.md'],
      dependsOn: [],
    },
    {
      id: 'greet-options',
      title: 'Let greet() take an excited option',
      instructions:
        'Change greet(name) to greet(name, { excited }) in src/greet.js; excited ends with "!!!".',
      files: ['src/greet.js'],
      dependsOn: [],
    },
    {
      id: 'cli-excited',
      title: 'Add --excited to the CLI',
      instructions: 'Make src/cli.js pass { excited: true } to greet() when --excited is given.',
      files: ['src/cli.js'],
      dependsOn: ['greet-options'],
    },
    {
      id: 'readme-intro',
      title: 'Rewrite the README intro',
      instructions: 'Rewrite the one-line intro of README.md to say what tinygreet is for.',
      files: ['README.md'],
      dependsOn: [],
    },
  ],
};

type Step = Omit<FakeReply, 'toolCalls'> & { toolCalls?: FakeReply['toolCalls'] };

const call = (name: string, args: Record<string, unknown>): Step => ({
  toolCalls: [{ name, arguments: args }],
});
const say = (text: string, name: string, args: Record<string, unknown>): Step => ({
  text,
  toolCalls: [{ name, arguments: args }],
});

/** One rule per turn of one task's conversation, matched by the task id in its first message. */
function conversation(taskId: string, latencyMs: number, steps: Step[]): FakeRule[] {
  return steps.map((step, turn) => ({
    name: `${taskId}#${turn}`,
    match: { anyMessage: `(id ${taskId})`, turn },
    reply: { latencyMs, ...step },
  }));
}

const mathEnd = '  return values.reduce((total, value) => total + value, 0);\n}\n';
const stringsEnd = '  return word.charAt(0).toUpperCase() + word.slice(1);\n}\n';
const greetBody = 'export function greet(name) {\n  return `Hello, ${capitalize(name)}!`;\n}\n';
const readmeIntro = 'A tiny greeting library.\n';

export function demoScenario(): FakeScenario {
  const rules: FakeRule[] = [
    {
      name: 'planner',
      match: { hasTool: 'submit_plan' },
      reply: {
        latencyMs: 400,
        text: 'Five tasks: two helpers, the greet option and its CLI flag, and the README intro.',
        toolCalls: [{ name: 'submit_plan', arguments: demoPlan }],
      },
    },
    ...conversation('add-clamp', 350, [
      say('Let me look at the math helpers.', 'read_file', { path: 'src/math.js' }),
      call('edit_file', {
        path: 'src/math.js',
        search: mathEnd,
        replace: `${mathEnd}\nexport function clamp(value, min, max) {\n  return Math.min(Math.max(value, min), max);\n}\n`,
      }),
      call('write_file', {
        path: 'test/clamp.test.js',
        content:
          "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { clamp } from '../src/math.js';\n\ntest('clamp keeps values in range', () => {\n  assert.equal(clamp(5, 0, 3), 3);\n  assert.equal(clamp(-1, 0, 3), 0);\n  assert.equal(clamp(2, 0, 3), 2);\n});\n",
      }),
      say('Running the tests.', 'run_command', { command: 'node --test' }),
      call('finish', { summary: 'Added clamp(value, min, max) to src/math.js with a test.' }),
    ]),
    ...conversation('add-slugify', 450, [
      call('read_file', { path: 'src/strings.js' }),
      call('edit_file', {
        path: 'src/strings.js',
        search: stringsEnd,
        replace: `${stringsEnd}\nexport function slugify(text) {\n  return text\n    .toLowerCase()\n    .replace(/[^a-z0-9]+/g, '-')\n    .replace(/^-|-$/g, '');\n}\n`,
      }),
      call('edit_file', {
        path: 'README.md',
        search: readmeIntro,
        replace: 'A tiny greeting library, now with slugify().\n',
      }),
      {
        // After readme-intro finished, so that it lands first and this task is the one in conflict.
        after: 'readme-intro#1',
        latencyMs: 1000,
        ...call('publish_finding', {
          text: 'src/strings.js exports slugify(text): lowercase words joined by dashes.',
          files: ['src/strings.js'],
          tags: ['api'],
        }),
      },
      {
        latencyMs: 1500,
        ...call('finish', {
          summary: 'Added slugify(text) to src/strings.js and mentioned it in the README.',
        }),
      },
    ]),
    ...conversation('greet-options', 300, [
      say('Reading greet() first.', 'read_file', { path: 'src/greet.js' }),
      call('edit_file', {
        path: 'src/greet.js',
        search: greetBody,
        replace:
          'export function greet(name, { excited = false } = {}) {\n  const greeting = `Hello, ${capitalize(name)}`;\n  return excited ? `${greeting}!!!` : `${greeting}!`;\n}\n',
      }),
      call('publish_finding', {
        text: 'greet(name, { excited }) now takes an options object; excited: true ends with "!!!".',
        files: ['src/greet.js'],
        tags: ['api'],
      }),
      call('run_command', { command: 'node --test' }),
      call('finish', {
        summary: 'greet() takes { excited }; the default output is unchanged.',
        notes: 'Call greet(name, { excited: true }) for the excited form.',
      }),
    ]),
    ...conversation('cli-excited', 300, [
      say('The dependency changed greet(); reading its new signature.', 'read_file', {
        path: 'src/greet.js',
      }),
      call('edit_file', {
        path: 'src/cli.js',
        search: "console.log(greet(process.argv[2] ?? 'world'));\n",
        replace:
          "const args = process.argv.slice(2);\nconst name = args.find((arg) => !arg.startsWith('--')) ?? 'world';\nconsole.log(greet(name, { excited: args.includes('--excited') }));\n",
      }),
      call('finish', { summary: 'src/cli.js passes { excited } to greet() when --excited is given.' }),
    ]),
    ...conversation('readme-intro', 250, [
      call('edit_file', {
        path: 'README.md',
        search: readmeIntro,
        replace: 'A tiny, dependency-free greeting library for Node.js.\n',
      }),
      // Still running while add-slugify edits the same line: the conflict radar names the pair.
      { latencyMs: 3000, ...call('finish', { summary: 'Rewrote the README intro.' }) },
    ]),
  ];
  return {
    tokenLatencyMs: 4,
    cacheMinTokens: 0,
    fallback: { text: 'The demo scenario has no scripted answer for this request.' },
    rules,
  };
}
