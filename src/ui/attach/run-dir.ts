import { existsSync } from 'node:fs';
import { RepoError, UsageError } from '../../errors.js';
import { gitCommonDir, runDir as runDirOf } from '../../orchestrator/run-paths.js';
import { journalPath } from '../../orchestrator/journal.js';

/** `<git common dir>/maestro/runs/<runId>`: where a run's journal and commands live. */
export async function findRunDir(cwd: string, runId: string): Promise<{ runDir: string; journal: string }> {
  let commonDir: string;
  try {
    commonDir = await gitCommonDir(cwd);
  } catch {
    throw new RepoError('this is not a git repository: run `maestro tui` inside the repository of the run');
  }
  if (!/^[A-Za-z0-9._-]+$/.test(runId)) throw new UsageError(`"${runId}" is not a run id`);
  const runDir = runDirOf(commonDir, runId);
  const journal = journalPath(runDir);
  if (!existsSync(journal)) {
    throw new UsageError(`no run ${runId} in this repository: check the id with \`maestro status\``);
  }
  return { runDir, journal };
}
