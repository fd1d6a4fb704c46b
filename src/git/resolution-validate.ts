import { execa } from 'execa';

export interface ValidationRun {
  command: string;
  ok: boolean;
  exitCode: number | null;
  /** Combined stdout and stderr, head and tail kept when long. */
  output: string;
  ms: number;
}

const outputCap = 20_000;

function capped(text: string): string {
  if (text.length <= outputCap) return text;
  const half = outputCap / 2;
  return `${text.slice(0, half)}\n… ${text.length - outputCap} characters cut …\n${text.slice(-half)}`;
}

/** Run the user's validate commands one after another through their shell; stop at the first failure. */
export async function runValidation(
  cwd: string,
  commands: string[],
  options: { timeoutMs: number; onOutput?: (chunk: string) => void; signal?: AbortSignal },
): Promise<ValidationRun[]> {
  const runs: ValidationRun[] = [];
  for (const command of commands) {
    const started = Date.now();
    options.onOutput?.(`$ ${command}\n`);
    const child = execa('sh', ['-c', command], {
      cwd,
      all: true,
      reject: false,
      stdin: 'ignore',
      timeout: options.timeoutMs,
      cancelSignal: options.signal,
      forceKillAfterDelay: 2_000,
    });
    child.all?.on('data', (chunk: Buffer) => options.onOutput?.(chunk.toString()));
    const result = await child;
    const ok = result.exitCode === 0 && !result.timedOut && !result.isCanceled;
    const suffix = result.timedOut ? `\n(timed out after ${options.timeoutMs} ms)` : '';
    runs.push({
      command,
      ok,
      exitCode: result.exitCode ?? null,
      output: capped(String(result.all ?? '') + suffix),
      ms: Date.now() - started,
    });
    if (!ok) break;
  }
  return runs;
}
