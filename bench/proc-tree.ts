import { readdirSync, readFileSync } from 'node:fs';

/** One process of a tree, read from /proc (Linux). */
export interface ProcInfo {
  pid: number;
  ppid: number;
  rssBytes: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** cutime + cstime: the CPU of its children that exited and were waited for, in clock ticks. */
  childTicks: number;
  cmd: string;
}

const pageSize = 4096;

/** The stat line of a process, split after the command name (which may hold spaces and parentheses). */
function readStat(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Command lines by pid and start time: read once per process, not at every sample. */
const commandLines = new Map<string, string>();

function commandLine(pid: number, startTime: string, parentCmd: string): string {
  const key = `${pid}:${startTime}`;
  let cmd = commandLines.get(key);
  if (cmd === undefined) {
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      cmd = '';
    }
    // A forked child shows its parent's command line until it execs: read it again next time.
    if (cmd !== '' && cmd !== parentCmd) commandLines.set(key, cmd);
  }
  return cmd;
}

/**
 * Every live descendant of `root` (and `root` itself). Each sample reads every process's stat
 * (the parent links) and the command line only of processes new to the tree: a bench samples
 * this a few times a second beside maestro, on the same cores.
 */
export function processTree(root: number): ProcInfo[] {
  const all = new Map<number, string[]>();
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const fields = readStat(pid);
    if (!fields) continue;
    all.set(pid, fields);
    const ppid = Number(fields[1]);
    const siblings = children.get(ppid);
    if (siblings) siblings.push(pid);
    else children.set(ppid, [pid]);
  }
  const out: ProcInfo[] = [];
  const stack: [number, string][] = all.has(root) ? [[root, '']] : [];
  while (stack.length > 0) {
    const [pid, parentCmd] = stack.pop() as [number, string];
    const fields = all.get(pid) as string[];
    const cmd = commandLine(pid, fields[19] ?? '', parentCmd);
    out.push({
      pid,
      ppid: Number(fields[1]),
      rssBytes: Number(fields[21]) * pageSize,
      cpuTicks: Number(fields[11]) + Number(fields[12]),
      childTicks: Number(fields[13]) + Number(fields[14]),
      cmd,
    });
    for (const child of children.get(pid) ?? []) stack.push([child, cmd]);
  }
  return out;
}

/** Proportional set size (shared pages split between the processes sharing them), 0 when gone. */
export function pssBytes(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}
