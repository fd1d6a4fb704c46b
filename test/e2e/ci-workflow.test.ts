import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  editAndFinish,
  eventOf,
  fakeServer,
  fixtureRepo,
  isolatedEnv,
  parseEvents,
  showOnBranch,
} from './harness.js';
import { ciBin, expand, loadNightlyWorkflow, nightlyFiles, nightlyTasks, runStep } from './workflow.js';

/**
 * Issue 9: the example workflow's own `Run maestro` step, run as GitHub would run it (bash -eo
 * pipefail, its env block, its exit-code rules), with `npx maestro-ai-orchestrator` shimmed to this
 * build and the Anthropic SDK pointed at the fake server.
 *
 * `--push --pr` are dropped here: `maestro run` does not accept them yet (see /tmp/pending-ci-push.test.ts).
 */

const workflow = loadNightlyWorkflow();
const secrets = {
  'secrets.ANTHROPIC_API_KEY': 'sk-ant-e2e-nightly-key',
  'github.token': 'ghs_e2e_fake_token',
};

describe('examples/github-actions/maestro-nightly.yml', () => {
  it('runs a matrix of templates that all have fixtures here', () => {
    expect(workflow.templates.length).toBeGreaterThan(0);
    expect(Object.keys(nightlyTasks)).toEqual(expect.arrayContaining(workflow.templates));
    expect(workflow.maestro.run).toContain(
      'npx --yes maestro-ai-orchestrator run --template ${{ matrix.template }}',
    );
  });

  it.each(workflow.templates)(
    'the Run maestro step with template %s exits 0 and writes NDJSON',
    async (template) => {
      const task = nightlyTasks[template];
      if (!task) throw new Error(`no fixture task for template ${template}`);
      const server = await fakeServer({ tokenLatencyMs: 0, rules: editAndFinish(task.taskId, task) });
      const fixture = await fixtureRepo(nightlyFiles);
      const bin = await ciBin();
      const outputFile = join(fixture.home, 'github-output');
      const env = {
        ...isolatedEnv(fixture.home),
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        NO_COLOR: '1',
        GITHUB_OUTPUT: outputFile,
        GH_LOG: join(fixture.home, 'gh.log'),
        ANTHROPIC_BASE_URL: server.anthropicBaseURL,
      };
      const identity = await runStep(workflow.identity.run ?? '', { cwd: fixture.repo, env });
      expect(identity.exitCode).toBe(0);

      const script = expand(workflow.maestro.run, { 'matrix.template': template }).replace(
        ' --push --pr',
        '',
      );
      const stepEnv = Object.fromEntries(
        Object.entries(workflow.maestro.env ?? {}).map(([name, value]) => [name, expand(value, secrets)]),
      );
      const step = await runStep(script, { cwd: fixture.repo, env: { ...env, ...stepEnv } });
      expect(step.stderr).not.toMatch(/unexpected npx call|error/i);
      expect(step.exitCode).toBe(0);
      const recorded = /^exit-code=(\d+)$/m.exec(await readFile(outputFile, 'utf8'))?.[1];
      expect(['0', '3']).toContain(recorded);
      expect(recorded).toBe('0');

      // The redirected stdout is pure NDJSON: every line parses, from run.started to run.finished.
      const events = parseEvents(await readFile(join(fixture.repo, 'maestro-events.ndjson'), 'utf8'));
      expect(events[0]?.type).toBe('run.started');
      expect(events.at(-1)?.type).toBe('run.finished');
      expect(eventOf(events, 'run.started')).toMatchObject({
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        maxAgents: 4,
      });
      expect(eventOf(events, 'plan.ready')).toMatchObject({ source: 'template' });
      expect(eventOf(events, 'run.finished')).toMatchObject({ status: 'merged', merged: [task.taskId] });
      expect(server.requests.length).toBeGreaterThan(0);
      expect(server.requests.every((r) => r.provider === 'anthropic')).toBe(true);

      const branch = String(eventOf(events, 'run.started').resultBranch);
      expect(showOnBranch(fixture.repo, branch, task.path)).toContain(task.replace);
      // The workflow's identity step configured who commits (global config in the isolated HOME).
      expect(await readFile(join(fixture.home, '.gitconfig'), 'utf8')).toContain('name = maestro nightly');
    },
  );
});
