import { join } from 'node:path';
import { Journal } from '../../src/orchestrator/journal.js';
import { runDir } from '../../src/orchestrator/run-paths.js';
import type { RunEventBody } from '../../src/events.js';
import { conflictRepo, type MergeFixture } from './fixture.js';

export const fixtureRunId = '20261124-0100-abcd';

/**
 * The conflict repository plus the journal of a run that merged task `a` and then hit the
 * conflict of task `t1`, as the orchestrator would have written it.
 */
export async function conflictRun(): Promise<MergeFixture & { commonDir: string; runDir: string }> {
  const fixture = await conflictRepo(fixtureRunId, 't1');
  const commonDir = join(fixture.repo, '.git');
  const dir = runDir(commonDir, fixtureRunId);
  const journal = await Journal.open(dir, fixtureRunId);
  const events: RunEventBody[] = [
    {
      type: 'run.started',
      objective: 'fixture',
      repo: fixture.repo,
      baseRef: 'main',
      baseCommit: fixture.resultCommit,
      resultBranch: `maestro/${fixtureRunId}/result`,
      maxAgents: 2,
      model: 'fake',
      provider: 'openai',
      budget: { runUsd: null, taskUsd: null },
      pid: 1,
    },
    {
      type: 'plan.ready',
      source: 'file',
      plan: {
        objective: 'fixture',
        tasks: [
          { id: 'a', title: 'Rename things', instructions: 'x', files: [], dependsOn: [] },
          { id: 't1', title: 'Add feature', instructions: 'y', files: [], dependsOn: [] },
        ],
      },
    },
    {
      type: 'task.merged',
      taskId: 'a',
      commit: fixture.resultCommit,
      resultBranch: `maestro/${fixtureRunId}/result`,
    },
    {
      type: 'task.conflicted',
      taskId: 't1',
      files: fixture.files.map((file) => ({ path: file.path, kind: file.kind, hunks: file.hunks.length })),
      taskCommit: fixture.taskCommit,
      resultCommit: fixture.resultCommit,
    },
  ];
  for (const event of events) await journal.append(event);
  await journal.close();
  return { ...fixture, commonDir, runDir: dir };
}
