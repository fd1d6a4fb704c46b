import type { AgentSetting } from '../../config/schema.js';
import { checkExhaustive } from '../../errors.js';

export type ExternalAgentSetting = Exclude<AgentSetting, 'builtin'>;
export type StreamFormat = 'claude' | 'codex' | 'lines';

export interface ExternalCommand {
  /** Short name for messages ("claude", or the program of a custom command). */
  name: string;
  argv: string[];
  format: StreamFormat;
}

const placeholder = '{prompt}';

/**
 * The argument vector for an external agent CLI, in its non-interactive structured mode where it
 * has one, allowed to edit files without asking (it runs alone in its own worktree). Checked
 * against the CLIs' own help and output: claude 2.1.197, codex-cli 0.169.0, gemini-cli 0.61.0
 * (aider, a Python tool, was not installable here).
 */
export function presetTemplate(setting: ExternalAgentSetting): { argv: string[]; format: StreamFormat } {
  if (typeof setting === 'object') return { argv: setting.command, format: 'lines' };
  switch (setting) {
    case 'claude':
      return {
        argv: [
          'claude',
          '-p',
          '--output-format',
          'stream-json',
          '--verbose',
          '--permission-mode',
          'acceptEdits',
          placeholder,
        ],
        format: 'claude',
      };
    case 'codex':
      return {
        argv: ['codex', 'exec', '--json', '--sandbox', 'workspace-write', placeholder],
        format: 'codex',
      };
    case 'aider':
      return {
        argv: ['aider', '--yes-always', '--no-auto-commits', '--no-pretty', '--message', placeholder],
        format: 'lines',
      };
    case 'gemini':
      // Without --skip-trust, gemini-cli 0.61 turns --yolo back into prompting in a new folder.
      return { argv: ['gemini', '--skip-trust', '--yolo', '-p', placeholder], format: 'lines' };
    default:
      return checkExhaustive(setting);
  }
}

/** `{prompt}` becomes the prompt inside its one argument; the prompt is never split or shell-parsed. */
export function externalCommand(setting: ExternalAgentSetting, prompt: string): ExternalCommand {
  const { argv, format } = presetTemplate(setting);
  const filled = argv.map((arg) => arg.split(placeholder).join(prompt));
  return { name: argv[0] ?? 'agent', argv: filled, format };
}
