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

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name sits in parentheses and may hold spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const rssPages = Number(fields[21]);
    return {
      pid,
      ppid: Number(fields[1]),
      rssBytes: rssPages * pageSize,
      cpuTicks: Number(fields[11]) + Number(fields[12]),
      childTicks: Number(fields[13]) + Number(fields[14]),
      cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim(),
    };
  } catch {
    return null;
  }
}

/** Every live descendant of `root` (and `root` itself). */
export function processTree(root: number): ProcInfo[] {
  const all: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const info = readProc(pid);
    if (info) all.push(info);
  }
  const children = new Map<number, ProcInfo[]>();
  for (const info of all) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info]);
  const self = all.find((info) => info.pid === root);
  if (!self) return [];
  const out: ProcInfo[] = [];
  const stack = [self];
  while (stack.length > 0) {
    const info = stack.pop() as ProcInfo;
    out.push(info);
    stack.push(...(children.get(info.pid) ?? []));
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
