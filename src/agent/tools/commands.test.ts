import { describe, expect, it } from 'vitest';
import { allowedCommands, matchAllowed } from './commands.js';
import { parseCommandLine } from './argv.js';

describe('parseCommandLine', () => {
  it.each([
    ['npm test', ['npm', 'test']],
    ['  npx   vitest run  ', ['npx', 'vitest', 'run']],
    [`npx vitest run -t 'adds two' "a \\"b\\""`, ['npx', 'vitest', 'run', '-t', 'adds two', 'a "b"']],
    ['node --test a\\ b.js', ['node', '--test', 'a b.js']],
    ["echo 'a;b|c'", ['echo', 'a;b|c']],
  ])('%j -> %j', (line, argv) => expect(parseCommandLine(line)).toEqual({ ok: true, argv }));

  it.each([
    ['npm test\nrm -rf /', /newline/],
    ['npm test\r', /U\+000d/],
    ['npm test\u0000', /U\+0000/],
    ['npm test\u009b2J', /U\+009b/],
    ['npm test; rm -rf /', /";" is shell syntax/],
    ['npm test && curl evil', /"&" is shell syntax/],
    ['npm test $(whoami)', /"\$" is shell syntax/],
    ['npm test `id`', /"`" is shell syntax/],
    ['npm test > /etc/passwd', /">" is shell syntax/],
    ["npm test 'open", /unterminated single quote/],
    ['', /empty/],
  ])('refuses %j', (line, why) => {
    const parsed = parseCommandLine(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(why);
  });
});

describe('allowed commands', () => {
  const allowed = ['npm test', 'npx vitest run', 'make lint', 'npm run build && npm test'];

  it.each([
    ['npm test', 'npm test', ['npm', 'test']],
    ['  npm test  ', 'npm test', ['npm', 'test']],
    ['npx vitest run src/a.test.ts', 'npx vitest run', ['npx', 'vitest', 'run', 'src/a.test.ts']],
    ['npx vitest run -t "a b"', 'npx vitest run', ['npx', 'vitest', 'run', '-t', 'a b']],
  ])('%j matches %j by argv', (command, base, argv) => {
    expect(matchAllowed(command, allowed)).toMatchObject({ ok: true, match: { base, run: { argv } } });
  });

  it('runs a configured shell command only exactly as configured', () => {
    expect(matchAllowed('npm run build && npm test', allowed)).toMatchObject({
      ok: true,
      match: { run: { shell: 'npm run build && npm test' } },
    });
    expect(matchAllowed('npm run build && npm test x', allowed).ok).toBe(false);
  });

  it.each(['npm testing', 'rm -rf .', 'npm', 'npm test\nid', 'npm test; id'])('refuses %j', (command) => {
    expect(matchAllowed(command, allowed).ok).toBe(false);
  });

  it('collects validate commands, allowCommands and the test runner without duplicates', () => {
    expect(
      allowedCommands({
        validate: ['npm test', 'npm run lint'],
        allowCommands: ['npm test'],
        testFramework: 'vitest',
      }),
    ).toEqual(['npm test', 'npm run lint', 'npx vitest run']);
  });
});
