import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { killGroup } from '../sandbox/process-group.js';

/**
 * The process groups of a run's agents, one small file per task in `<run folder>/agents/`, so a
 * `resume` after `kill -9` of the orchestrator finds the agents it left running and stops them
 * before it starts a second agent in the same worktree. A record holds the group id and the
 * leader's start time: a recycled pid with another start time is somebody else's process.
 */
export interface AgentProcessRecord {
  taskId: string;
  pgid: number;
  startTime: string | null;
}

export class AgentProcessRecords {
  private readonly dir: string;
  constructor(runDir: string) {
    this.dir = agentsDir(runDir);
  }

  async record(taskId: string, pgid: number): Promise<void> {
    const entry: AgentProcessRecord = { taskId, pgid, startTime: await processStartTime(pgid) };
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(join(this.dir, `${taskId}.json`), JSON.stringify(entry));
  }

  async forget(taskId: string): Promise<void> {
    await rm(join(this.dir, `${taskId}.json`), { force: true });
  }
}

function agentsDir(runDir: string): string {
  return join(runDir, 'agents');
}

/**
 * Stop the agents a crashed orchestrator left running: SIGTERM to each recorded group whose leader
 * is still the same process, SIGKILL after `graceMs`; then the records go. Returns the task ids.
 */
export async function stopLeftoverAgents(runDir: string, graceMs = 3_000): Promise<string[]> {
  const dir = agentsDir(runDir);
  const names = await readdir(dir).catch(() => [] as string[]);
  const live: AgentProcessRecord[] = [];
  for (const name of names) {
    const entry = await readRecord(join(dir, name));
    if (entry && (await sameProcess(entry))) live.push(entry);
  }
  for (const entry of live) killGroup(entry.pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (live.some((entry) => groupAlive(entry.pgid)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const entry of live) killGroup(entry.pgid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
  return live.map((entry) => entry.taskId);
}

async function readRecord(file: string): Promise<AgentProcessRecord | null> {
  try {
    const entry = JSON.parse(await readFile(file, 'utf8')) as AgentProcessRecord;
    return Number.isInteger(entry.pgid) && entry.pgid > 1 ? entry : null;
  } catch {
    return null;
  }
}

async function sameProcess(entry: AgentProcessRecord): Promise<boolean> {
  if (!groupAlive(entry.pgid)) return false;
  const now = await processStartTime(entry.pgid);
  return entry.startTime === null || now === null || now === entry.startTime;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of `/proc/<pid>/stat` (clock ticks since boot); `null` where there is no `/proc`. */
async function processStartTime(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}
