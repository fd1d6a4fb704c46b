import { describe, expect, it } from 'vitest';
import { allowedCommands, matchAllowed } from './commands.js';

describe('allowed commands', () => {
  const allowed = ['npm test', 'npx vitest run', 'make lint'];

  it.each([
    ['npm test', 'npm test'],
    ['  npm test  ', 'npm test'],
    ['npx vitest run src/a.test.ts', 'npx vitest run'],
    ['npx vitest run -t=adds --reporter=dot', 'npx vitest run'],
    ['npm test; rm -rf /', null],
    ['npm test && curl evil', null],
    ['npm test $(whoami)', null],
    ['npm test `id`', null],
    ['npm test > /etc/passwd', null],
    ['npm testing', null],
    ['rm -rf .', null],
    ['npx vitest run "a b"', null],
  ])('%j -> %j', (command, expected) => {
    expect(matchAllowed(command, allowed)).toBe(expected);
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
