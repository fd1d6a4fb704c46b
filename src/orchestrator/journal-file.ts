import { readFile } from 'node:fs/promises';
import type { RunEvent } from '../events.js';

export interface JournalRead {
  events: RunEvent[];
  /** Byte length of the intact prefix (everything up to the last complete line). */
  intactBytes: number;
  /** A torn or unreadable last line was ignored (a crash mid-write). */
  tornTail: boolean;
  /** Complete lines that did not parse (should be 0; counted rather than fatal). */
  skippedLines: number;
}

/** Read a journal; a torn last line (crash mid-append) is ignored, never fatal. */
export async function readJournalFile(file: string): Promise<JournalRead> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { events: [], intactBytes: 0, tornTail: false, skippedLines: 0 };
    throw error;
  }
  return parseJournal(data);
}

export function parseJournal(data: Buffer): JournalRead {
  // Appends are whole lines, so a crash can only leave a partial line without its newline at the end.
  const intactBytes = data.lastIndexOf(0x0a) + 1;
  const events: RunEvent[] = [];
  let skipped = 0;
  for (const line of data.subarray(0, intactBytes).toString('utf8').split('\n')) {
    if (line === '') continue;
    const event = parseLine(line);
    if (event) events.push(event);
    else skipped += 1;
  }
  return { events, intactBytes, tornTail: intactBytes < data.length, skippedLines: skipped };
}

function parseLine(line: string): RunEvent | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value = JSON.parse(line) as RunEvent;
    return typeof value === 'object' && value !== null && typeof value.type === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
