import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent } from '../events.js';
import { journalPath } from './journal.js';
import { readJournalFile } from './journal-file.js';
import { readLock, lockIsLive, type LockInfo } from './run-lock.js';
import { foldRun, type RunState } from './run-state.js';
import { gitCommonDir, runDir, runIdPattern, runsRoot } from './run-paths.js';
import { UsageError } from '../errors.js';

export interface RunRecord {
  runId: string;
  dir: string;
  events: RunEvent[];
  state: RunState;
  tornTail: boolean;
  /** The orchestrator holding the run's lock, when it is alive. */
  liveLock?: LockInfo;
}

/** Every run of the repository, newest first. */
export async function listRuns(repo: string): Promise<RunRecord[]> {
  const common = await gitCommonDir(repo);
  let names: string[];
  try {
    names = await readdir(runsRoot(common));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const ids = names.filter((name) => runIdPattern.test(name));
  const records = await Promise.all(ids.map((runId) => loadRun(runDir(common, runId), runId)));
  // Newest start first: ids of runs started in the same minute differ only by their random part.
  return records.sort((a, b) => compareDesc(startTime(a), startTime(b)) || compareDesc(a.runId, b.runId));
}

/** When the run started: its journal's first event (a run that never journaled sorts as oldest). */
function startTime(record: RunRecord): string {
  return record.events[0]?.time ?? '';
}

function compareDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/** One run by id, or the newest when no id is given. */
export async function readRun(repo: string, runId?: string): Promise<RunRecord> {
  if (runId === undefined) {
    const newest = (await listRuns(repo))[0];
    if (!newest) throw new UsageError('No maestro run in this repository yet; start one with `maestro run`.');
    return newest;
  }
  if (!runIdPattern.test(runId))
    throw new UsageError(`'${runId}' is not a run id; list runs with \`maestro runs\`.`);
  const record = await loadRun(runDir(await gitCommonDir(repo), runId), runId);
  if (record.events.length === 0)
    throw new UsageError(`No run ${runId} in this repository; list runs with \`maestro runs\`.`);
  return record;
}

async function loadRun(dir: string, runId: string): Promise<RunRecord> {
  const read = await readJournalFile(journalPath(dir));
  const lock = await readLock(join(dir, 'lock'));
  return {
    runId,
    dir,
    events: read.events,
    state: foldRun(runId, read.events),
    tornTail: read.tornTail,
    liveLock: lock && lockIsLive(lock) ? lock : undefined,
  };
}
