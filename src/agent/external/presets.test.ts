import { describe, expect, it } from 'vitest';
import { externalCommand } from './presets.js';

describe('external agent presets', () => {
  const prompt = 'fix "it"; rm -rf / $(x)\nline 2';

  it.each([
    [
      'claude',
      [
        'claude',
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--permission-mode',
        'acceptEdits',
        prompt,
      ],
      'claude',
    ],
    ['codex', ['codex', 'exec', '--json', '--sandbox', 'workspace-write', prompt], 'codex'],
    ['aider', ['aider', '--yes-always', '--no-auto-commits', '--no-pretty', '--message', prompt], 'lines'],
    ['gemini', ['gemini', '--skip-trust', '--yolo', '-p', prompt], 'lines'],
  ] as const)('%s', (setting, argv, format) => {
    expect(externalCommand(setting, prompt)).toEqual({ name: setting, argv, format });
  });

  it('substitutes {prompt} inside one argument of a custom command', () => {
    expect(
      externalCommand({ command: ['my-agent', '--task={prompt}', '{prompt}', 'x'] }, prompt).argv,
    ).toEqual(['my-agent', `--task=${prompt}`, prompt, 'x']);
  });
});
