import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSharedPrefix, buildTaskMessage, renderPromptText } from '../../src/agent/context/prompt.js';
import { keySymbols } from '../../src/agent/context/overview.js';
import { SharedMemory } from '../../src/agent/shared-memory.js';
import { configSchema } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { planSchema } from '../../src/orchestrator/plan.js';
import { runGit, tempDir } from '../helpers/repo.js';
import { tempWorktree } from './helpers.js';

const files = {
  'STANDARDS.md': 'Use tabs.\n',
  'src/api.ts': 'export interface Api {}\nexport async function start() {}\nconst hidden = 1;\n',
  'src/ui/view.tsx': 'export default function View() {}\n',
  'tools/x.py': 'def run():\n    pass\nclass Thing:\n    pass\n',
  'dist/bundle.js': 'export const built = 1;\n',
};

describe('agent context', () => {
  it('builds the same shared prefix bytes for the same commit, wherever it is checked out', async () => {
    const { repo, worktree } = await tempWorktree(files);
    const clone = `${await tempDir('maestro-clone-')}/c`;
    runGit(repo, ['clone', '-q', repo, clone]);
    const config = configSchema.parse({ codingStandards: 'STANDARDS.md' });
    const [a, b, c] = await Promise.all([
      buildSharedPrefix(repo, config),
      buildSharedPrefix(worktree, config),
      buildSharedPrefix(clone, config),
    ]);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).toBe(JSON.stringify(a));
    expect(a.every((s) => s.cache === true)).toBe(true);
    expect(a[1]?.text).toBe('# Coding standards\nUse tabs.');
    const overview = a[2]?.text ?? '';
    expect(overview).toContain('src/api.ts: interface Api, function start');
    expect(overview).toContain('src/ui/view.tsx: function View');
    expect(overview).toContain('tools/x.py: def run, class Thing');
    expect(overview).not.toContain('dist/bundle.js');
    expect(overview).not.toContain('hidden');
  });

  it('refuses a coding standards file that resolves outside the repository', async () => {
    const outside = await tempDir('maestro-outside-');
    await writeFile(join(outside, 'secret.md'), 'sk-planted-0123456789abcdef\n');
    const { repo } = await tempWorktree(files);
    await symlink(join(outside, 'secret.md'), join(repo, 'LINKED.md'));
    for (const codingStandards of [
      join(outside, 'secret.md'),
      join('..', '..', '..', outside, 'secret.md'),
      'LINKED.md',
    ]) {
      await expect(buildSharedPrefix(repo, configSchema.parse({ codingStandards }))).rejects.toThrow(
        /outside the repository/,
      );
    }
  });

  it('says which coding standards file is missing', async () => {
    const { repo } = await tempWorktree(files);
    await expect(buildSharedPrefix(repo, configSchema.parse({ codingStandards: 'NOPE.md' }))).rejects.toThrow(
      ConfigError,
    );
  });

  it('puts the plan around the task, dependency summaries and findings in the task message', () => {
    const plan = planSchema.parse({
      objective: 'ship v2',
      tasks: [
        { id: 'api', title: 'API', instructions: 'Add the endpoint.', files: ['src/api.ts'] },
        { id: 'ui', title: 'UI', instructions: 'Show it.', files: ['src/ui/**'], dependsOn: ['api'] },
        { id: 'docs', title: 'Docs', instructions: 'Write docs.' },
      ],
    });
    const memory = new SharedMemory([], () => new Date('2026-01-01T00:00:00Z'));
    memory.publish({ taskId: 'docs', agentId: 'a3', text: 'docs live in /docs', tags: ['docs'] });
    const message = buildTaskMessage({
      task: plan.tasks[1]!,
      plan,
      findings: memory.all(),
      dependencies: [
        {
          taskId: 'api',
          title: 'API',
          summary: 'Added GET /v2',
          notes: 'call start() first',
          diffStat: { files: 2, insertions: 30, deletions: 4, paths: ['src/api.ts', 'src/routes.ts'] },
        },
      ],
      allowedCommands: ['npm test'],
    });
    expect(message).toContain('# Your task: UI (id ui)\n\nShow it.');
    expect(message).toContain('## Files you are expected to touch\nsrc/ui/**');
    expect(message).toContain('- api: API — files: src/api.ts\n- docs: Docs');
    expect(message).toContain(
      '- api (API): Added GET /v2\n  notes: call start() first\n  changed 2 files (+30 −4): src/api.ts, src/routes.ts',
    );
    expect(message).toContain('- (docs) docs live in /docs [tags: docs]');
    expect(message).toContain('## Commands you may run\n- npm test');
    expect(renderPromptText([{ text: 'A' }, { text: 'B' }], 'C')).toBe('A\n\nB\n\nC');
  });

  it('finds key symbols per language', () => {
    expect(keySymbols('func Exported() {}\nfunc hidden() {}\ntype Store struct{}\n', 'go', 10)).toEqual([
      'func Exported',
      'type Store',
    ]);
    expect(keySymbols('pub fn run() {}\nfn private() {}\npub struct S;\n', 'rs', 10)).toEqual([
      'fn run',
      'struct S',
    ]);
  });

  it('keeps findings append-only and notifies subscribers', () => {
    const memory = new SharedMemory();
    const seen: number[] = [];
    const off = memory.subscribe((f) => seen.push(f.seq));
    memory.publish({ taskId: 'a', agentId: 'x', text: 'one' });
    off();
    memory.publish({ taskId: 'b', agentId: 'y', text: 'two', files: ['f'] });
    expect(seen).toEqual([0]);
    expect(memory.since(1).map((f) => f.text)).toEqual(['two']);
    expect(memory.all()).toHaveLength(2);
  });
});
