/**
 * Worktree locks carry the owning process in their reason (`maestro pid=<pid> run=<runId>`); a lock
 * is stale only when that pid is dead, never by age.
 */
export function lockReason(pid: number, runId: string): string {
  return `maestro pid=${pid} run=${runId}`;
}

export function lockPid(reason: string | null): number | null {
  const match = /\bpid=(\d+)\b/.exec(reason ?? '');
  return match?.[1] ? Number(match[1]) : null;
}

export function isMaestroLock(reason: string | null): boolean {
  return (reason ?? '').startsWith('maestro ');
}

export type PidCheck = (pid: number) => boolean;

/** Signal 0 checks existence; EPERM means it exists under another user. */
export const pidAlive: PidCheck = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export type LockState = 'unlocked' | 'ours' | 'live' | 'stale' | 'foreign';

/** How a worktree's lock stands for the process `self`. */
export function lockState(
  entry: { locked: boolean; lockReason: string | null },
  self: number,
  alive: PidCheck,
): LockState {
  if (!entry.locked) return 'unlocked';
  const pid = lockPid(entry.lockReason);
  if (pid === null || !isMaestroLock(entry.lockReason)) return 'foreign';
  if (pid === self) return 'ours';
  return alive(pid) ? 'live' : 'stale';
}
