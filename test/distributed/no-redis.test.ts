import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureRepo, isolatedEnv } from '../e2e/harness.js';
import { runGit } from '../helpers/repo.js';
import { bareRemote, freePort, startCli } from './cluster.js';
import { fanOutPlan, orchestratorKey } from './fixture.js';

describe('a queued run whose Redis is not there', () => {
  it('stops with one line and exit code 2, and writes nothing on the git remote', async () => {
    const fixture = await fixtureRepo({ 'README.md': '# distributed\n' });
    const remote = await bareRemote(fixture.repo);
    // Nothing listens there: the port was free a moment ago.
    const redis = `redis://127.0.0.1:${await freePort()}`;
    const rcPath = join(fixture.repo, '.maestrorc.json');
    const rc = JSON.parse(await readFile(rcPath, 'utf8')) as Record<string, unknown>;
    await writeFile(rcPath, JSON.stringify({ ...rc, executor: { kind: 'queue', redis, remote } }));
    const plan = join(fixture.home, 'plan.json');
    await writeFile(plan, JSON.stringify(fanOutPlan(2)));
    const branches = () =>
      runGit(fixture.repo, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads']).split('\n');
    const before = branches();
    const proc = startCli(['run', '--plan', plan], fixture.repo, {
      ...isolatedEnv(fixture.home),
      OPENAI_API_KEY: orchestratorKey,
    });
    expect(await proc.exited, proc.stderr()).toBe(2);
    const lines = proc.stderr().trim().split('\n');
    expect(lines, proc.stderr()).toEqual([
      expect.stringMatching(/cannot reach Redis within 5 s: check executor\.redis/),
    ]);
    // No base of a run that never started is left on the remote; the user's branches are as they were
    // (the run's own result branch, under maestro/, goes with `maestro clean`).
    expect(runGit(remote, ['for-each-ref', '--format=%(refname)'])).toBe('refs/heads/main');
    const after = branches();
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after.filter((line) => !before.includes(line) && !line.startsWith('refs/heads/maestro/'))).toEqual(
      [],
    );
  }, 60_000);
});
