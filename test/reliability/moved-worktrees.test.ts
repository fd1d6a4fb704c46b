import { describe, expect, it } from 'vitest';
import { runGit } from '../helpers/repo.js';
import { scriptedRepo } from './scripted-run.js';

/** Agents that leave their task branch with diverging work: the task fails, its worktree stays registered. */
const scripts = {
  'checkout -b': 'git checkout -q -b agent-side HEAD~1 && echo x > x.txt',
  '--detach': 'git checkout -q --detach HEAD~1 && echo x > x.txt',
};

describe('clean after an agent moved its worktree off the task branch (#14 item 9)', () => {
  for (const [how, script] of Object.entries(scripts)) {
    it(`clean --discard removes a worktree left by git ${how}`, async () => {
      const s = await scriptedRepo(script);
      const run = await s.run();
      const runId = /^run (\S+):/m.exec(run.stdout)?.[1] as string;
      expect(runGit(s.repo, ['worktree', 'list'])).toContain(runId);
      const cleaned = await s.cli(['clean', '--discard', runId]);
      expect(cleaned.stderr).toBe('');
      expect(cleaned.stdout).toMatch(/removed 1 task worktree/);
      expect(runGit(s.repo, ['worktree', 'list'])).not.toContain(runId);
      expect(runGit(s.repo, ['worktree', 'list', '--porcelain'])).not.toContain('locked');
    });
  }
});
