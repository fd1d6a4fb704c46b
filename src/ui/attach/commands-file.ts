import { randomUUID } from 'node:crypto';
import { appendFile, open } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { controlFromSender, type RunCommand, type RunControl } from '../run-control.js';

/**
 * The attach transport's return path: `<runDir>/commands.jsonl`, append-only, one JSON object a
 * line: `{"v":1,"id":uuid,"time":iso,"from":{"pid":n},"command":RunCommand}`. Writers append whole
 * lines with one O_APPEND write each; the orchestrator follows the file from the size it had when the
 * run (re)started and applies each id once; its effect is journaled as ordinary events.
 * No module here imports ink or react, so the orchestrator may import it.
 */
export interface CommandRecord {
  v: 1;
  id: string;
  time: string;
  from: { pid: number };
  command: RunCommand;
}

export const commandsFileName = 'commands.jsonl';

export function commandsFile(runDir: string): string {
  return join(runDir, commandsFileName);
}

export async function appendCommand(runDir: string, command: RunCommand): Promise<CommandRecord> {
  const record: CommandRecord = {
    v: 1,
    id: randomUUID(),
    time: new Date().toISOString(),
    from: { pid: process.pid },
    command,
  };
  await appendFile(commandsFile(runDir), JSON.stringify(record) + '\n', { flag: 'a' });
  return record;
}

/** RunControl over the commands file. `detach` sends nothing: an attached TUI just goes away. */
export function fileRunControl(runDir: string): RunControl {
  return controlFromSender(async (command) => {
    if (command.type === 'detach') return;
    await appendCommand(runDir, command);
  });
}

function parseRecord(line: string): CommandRecord | undefined {
  try {
    const record = JSON.parse(line) as Partial<CommandRecord>;
    if (record.v !== 1 || typeof record.id !== 'string' || typeof record.command?.type !== 'string')
      return undefined;
    return record as CommandRecord;
  } catch {
    return undefined;
  }
}

/**
 * For the orchestrator: calls `onCommand` for every command appended after `fromOffset` (default:
 * the file's current size, so commands meant for an earlier process are not replayed).
 */
export async function followCommands(
  runDir: string,
  onCommand: (record: CommandRecord) => void,
  options: { fromOffset?: number; pollMs?: number } = {},
): Promise<{ close(): void }> {
  const file = commandsFile(runDir);
  await appendFile(file, '');
  const handle = await open(file, 'r');
  let offset = options.fromOffset ?? (await handle.stat()).size;
  let partial = '';
  let busy = false;
  let again = false;
  let closed = false;
  const seen = new Set<string>();
  const read = async (): Promise<void> => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        const { size } = await handle.stat();
        if (size <= offset) continue;
        const buffer = Buffer.alloc(size - offset);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        offset += bytesRead;
        const lines = (partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          const record = parseRecord(line);
          if (!record || seen.has(record.id) || closed) continue;
          seen.add(record.id);
          onCommand(record);
        }
      } while (again && !closed);
    } finally {
      busy = false;
    }
  };
  const poke = (): void => void read().catch(() => undefined);
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(file, poke);
    watcher.on('error', () => undefined);
  } catch {
    // The poll still follows the file.
  }
  const timer = setInterval(poke, options.pollMs ?? 500);
  timer.unref();
  poke();
  return {
    close() {
      closed = true;
      watcher?.close();
      clearInterval(timer);
      void handle.close().catch(() => undefined);
    },
  };
}
