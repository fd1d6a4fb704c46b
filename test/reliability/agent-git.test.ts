import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runGit, tempDir } from '../helpers/repo.js';
import { scriptedRepo } from './scripted-run.js';

describe("an external agent's own git commands (#14 item 4)", () => {
  it('a task branch reset behind its base fails the task instead of "merged" with nothing in it', async () => {
    const s = await scriptedRepo('git reset -q --hard HEAD~2');
    const result = await s.run();
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toMatch(/t1: FAILED: .*behind the commit it started from/);
    expect(result.stdout).not.toMatch(/t1: merged/);
  });

  it('commits the agent makes itself reach the result; a branch it makes in the repository is refused', async () => {
    // Refs are read-only in the sandbox: the agent works on a detached HEAD in its own admin folder.
    const s = await scriptedRepo(
      'git checkout -q -b agent-side 2>branch.err; echo new > c.txt && git add c.txt && git -c user.name=a -c user.email=a@b commit -qm side',
    );
    const result = await s.run();
    expect(result.exitCode).toBe(0);
    const branch = /into (maestro\/\S+\/result)/.exec(result.stdout)?.[1] as string;
    expect(runGit(s.repo, ['show', `${branch}:c.txt`])).toBe('new');
    expect(runGit(s.repo, ['log', '--format=%s', branch])).toMatch(/^side$/m);
    expect(runGit(s.repo, ['show', `${branch}:branch.err`])).toMatch(/cannot lock ref|Read-only file system/);
    expect(runGit(s.repo, ['branch', '--list', 'agent-side'])).toBe('');
  });

  it("a push from an agent's worktree is refused: the remote's main does not move", async () => {
    const remote = join(await tempDir('maestro-remote-'), 'origin.git');
    const s = await scriptedRepo(
      'echo pushed > p.txt && git add p.txt && git -c user.name=a -c user.email=a@b commit -qm p && git push -q origin HEAD:main 2>push.err; true',
    );
    runGit(s.repo, ['init', '-q', '--bare', remote]);
    runGit(s.repo, ['remote', 'add', 'origin', remote]);
    runGit(s.repo, ['push', '-q', 'origin', 'main']);
    const before = runGit(remote, ['rev-parse', 'main']);
    const result = await s.run();
    expect(result.exitCode).toBe(0);
    expect(runGit(remote, ['rev-parse', 'main'])).toBe(before);
    const branch = /into (maestro\/\S+\/result)/.exec(result.stdout)?.[1] as string;
    expect(runGit(s.repo, ['show', `${branch}:push.err`])).toMatch(/maestro-refuses-pushes/);
  });
});
