import { describe, expect, it } from 'vitest';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitCommonDir } from '../../src/orchestrator/run-paths.js';
import { scriptedRepo } from './scripted-run.js';

describe('a commit hook that never returns (#14 item 11)', () => {
  it('fails the task after the command time limit instead of hanging the snapshot commit', async () => {
    const s = await scriptedRepo('echo work > w.txt', {
      config: { commitHooks: true, agentLimits: { commandTimeoutSeconds: 2 } },
    });
    const hook = join(await gitCommonDir(s.repo), 'hooks', 'pre-commit');
    await writeFile(hook, '#!/bin/sh\nsleep 600\n');
    await chmod(hook, 0o755);
    const result = await s.run();
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toMatch(/t1: FAILED: .*commit hook.*timed out after 2 s/);
  });
});
