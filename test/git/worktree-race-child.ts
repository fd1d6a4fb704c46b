// One "maestro process" of worktree-race.test.ts: creates `count` task worktrees in `repo` while
// listing the repository's worktrees over and over, the way a run's inventory and reuse checks do.
// Prints `{failures}` as JSON: every git error it met.
import { createWorktrees } from '../../src/git/worktree-create.js';
import { listWorktrees } from '../../src/git/worktree-list.js';

const { repo, root, runId, commit, count } = JSON.parse(process.argv[2] ?? '{}') as {
  repo: string;
  root: string;
  runId: string;
  commit: string;
  count: number;
};
const failures: string[] = [];
let adding = true;
const listing = (async () => {
  while (adding) await listWorktrees(repo).catch((error: Error) => failures.push(`list: ${error.message}`));
})();
const specs = Array.from({ length: count }, (_, index) => ({ taskId: `t${index}`, commit }));
const batch = await createWorktrees(specs, { repo, root, runId, concurrency: 1, coneMinFiles: 0 });
adding = false;
await listing;
for (const failed of batch.failed) failures.push(`add ${failed.taskId}: ${String(failed.error)}`);
process.stdout.write(JSON.stringify({ failures }));
