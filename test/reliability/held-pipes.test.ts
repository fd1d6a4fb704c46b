import { describe, expect, it } from 'vitest';
import { runInGroup } from '../../src/sandbox/process-group.js';
import { tempDir } from '../helpers/repo.js';

/** A grandchild in a session of its own (`setsid`) keeps the agent's stdout open after it exits. */
const detachedHolder = 'setsid sleep 120 & echo "holder $!"';

function killHolder(output: string): void {
  const pid = Number(/holder (\d+)/.exec(output)?.[1]);
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

describe('a setsid grandchild holding the agent’s stdout (#14 item 10)', () => {
  it('does not keep the task alive once the agent exited', async () => {
    const cwd = await tempDir();
    const started = Date.now();
    const result = await runInGroup('sh', ['-c', `${detachedHolder}; echo finished`], {
      cwd,
      env: { PATH: process.env.PATH ?? '' },
      timeoutMs: 60_000,
    });
    killHolder(result.output);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(result.output).toContain('finished');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('does not stop the task timeout from firing', async () => {
    const cwd = await tempDir();
    const result = await runInGroup('sh', ['-c', `${detachedHolder}; sleep 120`], {
      cwd,
      env: { PATH: process.env.PATH ?? '' },
      timeoutMs: 500,
      graceMs: 500,
    });
    killHolder(result.output);
    expect(result.timedOut).toBe(true);
  });
});
