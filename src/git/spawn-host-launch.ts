import { SpawnHost } from '../process/spawn-host.js';
import { launchGitThrough } from './runner.js';

/**
 * For a long-running command (a run, a resume, a worker): until the returned function is called,
 * this process's git calls start through one `SpawnHost`, so no git call forks the orchestrator.
 */
export function startGitSpawnHost(): () => void {
  const host = new SpawnHost();
  const restore = launchGitThrough((spec, signal) => host.run(spec, signal));
  return () => {
    restore();
    host.close();
  };
}
