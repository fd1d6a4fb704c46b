import { describe, expect, it } from 'vitest';
import { git, gitLine, GitError } from './runner.js';
import { tempRepo } from '../../test/helpers/repo.js';

describe('git runner', () => {
  it('returns stdout, passes stdin, and treats listed exit codes as answers', async () => {
    const repo = await tempRepo();
    expect(await gitLine(['hash-object', '--stdin'], { cwd: repo, input: 'hello\n' })).toMatch(
      /^[0-9a-f]{40}$/,
    );
    const missing = await git(['rev-parse', '--verify', '--quiet', 'nope'], { cwd: repo, okExitCodes: [1] });
    expect(missing.exitCode).toBe(1);
  });

  it('throws a GitError naming the command and git’s first line of complaint', async () => {
    const repo = await tempRepo();
    const error = await git(['rev-parse', '--verify', 'nope'], { cwd: repo }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toMatch(/^git rev-parse --verify nope failed \(exit 128\): fatal: /);
    const missingDir = await git(['status'], { cwd: `${repo}/does-not-exist` }).catch((e: unknown) => e);
    expect(missingDir).toBeInstanceOf(GitError);
  });

  it('does not run when already aborted', async () => {
    const repo = await tempRepo();
    const controller = new AbortController();
    controller.abort();
    await expect(git(['version'], { cwd: repo, signal: controller.signal })).rejects.toBeInstanceOf(GitError);
  });
});
