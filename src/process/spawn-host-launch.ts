import { SpawnHost } from './spawn-host.js';
import { launchGitThrough } from '../git/runner.js';
import { launchDetachedThrough } from './detached.js';

/**
 * For a long-running command (a run, a resume, a worker): until the returned function is called,
 * this process's git calls and the agents' detached programs start through one `SpawnHost`, so
 * none of them forks the orchestrator.
 */
export function startSpawnHost(): () => void {
  const host = new SpawnHost();
  const restoreGit = launchGitThrough((spec, signal) => host.run(spec, signal));
  const restoreDetached = launchDetachedThrough((spec, events) => host.start(spec, events));
  return () => {
    restoreGit();
    restoreDetached();
    host.close();
  };
}
