// Pending: copy to test/e2e/ci-push.test.ts once `maestro run` accepts --push/--pr (imports are relative to test/e2e/).
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit, tempDir } from '../helpers/repo.js';
import { editAndFinish, eventOf, fakeServer, fixtureRepo, isolatedEnv, parseEvents } from './harness.js';
import { ciBin, expand, loadNightlyWorkflow, nightlyFiles, nightlyTasks, runStep } from './workflow.js';

/**
 * Issue 9, with delivery: the workflow's `Run maestro` step exactly as written, `--push --pr`
 * included, against a local bare `origin` and a fake `gh` that records its arguments.
 */

const workflow = loadNightlyWorkflow();
const secrets = {
  'secrets.ANTHROPIC_API_KEY': 'sk-ant-e2e-nightly-key',
  'github.token': 'ghs_e2e_fake_token',
};

describe('examples/github-actions/maestro-nightly.yml with --push --pr', () => {
  it.each(workflow.templates)(
    'template %s: result branch pushed to origin, pull request opened',
    async (template) => {
      const task = nightlyTasks[template];
      if (!task) throw new Error(`no fixture task for template ${template}`);
      const server = await fakeServer({ tokenLatencyMs: 0, rules: editAndFinish(task.taskId, task) });
      const fixture = await fixtureRepo(nightlyFiles);
      const origin = await tempDir('maestro-e2e-origin-');
      runGit(origin, ['init', '-q', '--bare']);
      runGit(fixture.repo, ['remote', 'add', 'origin', origin]);
      runGit(fixture.repo, ['push', '-q', 'origin', 'main']);
      const bin = await ciBin();
      const ghLog = join(fixture.home, 'gh.log');
      const outputFile = join(fixture.home, 'github-output');
      const stepEnv = Object.fromEntries(
        Object.entries(workflow.maestro.env ?? {}).map(([name, value]) => [name, expand(value, secrets)]),
      );
      const step = await runStep(expand(workflow.maestro.run, { 'matrix.template': template }), {
        cwd: fixture.repo,
        env: {
          ...isolatedEnv(fixture.home),
          PATH: `${bin}:${process.env.PATH ?? ''}`,
          NO_COLOR: '1',
          GITHUB_OUTPUT: outputFile,
          GH_LOG: ghLog,
          ANTHROPIC_BASE_URL: server.anthropicBaseURL,
          ...stepEnv,
        },
      });
      expect(step.stderr).not.toMatch(/unexpected npx call|error/i);
      expect(step.exitCode).toBe(0);
      expect(await readFile(outputFile, 'utf8')).toMatch(/^exit-code=0$/m);

      const events = parseEvents(await readFile(join(fixture.repo, 'maestro-events.ndjson'), 'utf8'));
      expect(events[0]?.type).toBe('run.started');
      expect(events.at(-1)?.type).toBe('run.finished');
      expect(eventOf(events, 'run.finished')).toMatchObject({ status: 'merged', merged: [task.taskId] });

      // The result branch is on origin, at the same commit as locally, with the agent's edit.
      const branch = String(eventOf(events, 'run.started').resultBranch);
      expect(runGit(origin, ['rev-parse', `refs/heads/${branch}`])).toBe(
        runGit(fixture.repo, ['rev-parse', `refs/heads/${branch}`]),
      );
      expect(runGit(origin, ['show', `${branch}:${task.path}`])).toContain(task.replace);
      // gh was asked to open a pull request from the result branch into main.
      const gh = await readFile(ghLog, 'utf8');
      expect(gh).toMatch(/^auth status$/m);
      expect(gh).toMatch(new RegExp(`^pr create --head ${branch} --base main --title `, 'm'));
    },
  );
});
