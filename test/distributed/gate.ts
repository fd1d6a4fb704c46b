import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { onTestFinished } from 'vitest';

/**
 * A gate the sandboxed agents of a distributed test report to and wait on. Agents and validation
 * run in bubblewrap with a private /tmp and no network but `sandboxHosts`, so a folder of marker
 * files in the test's /tmp is invisible to them: they reach this loopback HTTP server instead,
 * through the sandbox's network bridge, as an agent reaches its API. Node inside the sandbox makes
 * the requests (readable there: dirname(dirname(execPath)) is on the sandbox's readable list).
 */
export interface TestGate {
  /** `host:port` for the config's `sandboxHosts`. */
  host: string;
  /**
   * Shell lines defining `gate <what> [text]`: `life "ID WORKTREE" &` (logs `start ID WORKTREE`,
   * then holds its connection: `end ID WORKTREE` is logged when it closes, i.e. when the sandbox's
   * last process is gone, however the agent ended), `validating PATH`, and `wait` (held until `open`).
   */
  shell: string;
  open(): void;
  /** `start …` and `end …` lines of the agents' lives, in order. */
  log(): string[];
  /** Task ids whose agents started. */
  started(): Set<string>;
  /** The first folder a validation said it runs in, once one did. */
  validating(): string | undefined;
}

export async function testGate(): Promise<TestGate> {
  const lines: string[] = [];
  const started = new Set<string>();
  let validating: string | undefined;
  let opened = false;
  const held: ServerResponse[] = [];
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const what = (req.url ?? '').slice(1);
    if (what === 'life') {
      lines.push(`start ${text}`);
      started.add(text.split(' ')[0] ?? '');
      res.on('close', () => lines.push(`end ${text}`));
      return;
    }
    if (what === 'validating') validating ??= text;
    else if (what === 'wait' && !opened) {
      held.push(res);
      return;
    } else if (what !== 'wait') {
      res.writeHead(404).end(`unknown gate call ${what}\n`);
      return;
    }
    res.end('ok\n');
  };
  const server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  // A failed call fails the command that made it (exit 2), so an unreachable gate is a clear error.
  const js = [
    'const [what, text = ""] = process.argv.slice(1);',
    `fetch("http://127.0.0.1:${port}/" + what, { method: "POST", body: text })`,
    '.then((r) => process.exit(r.ok ? 0 : 2), (e) => { console.error("gate: " + e.message); process.exit(2); });',
  ].join(' ');
  return {
    host: `127.0.0.1:${port}`,
    shell: `gate() { '${process.execPath}' -e '${js}' "$@"; }`,
    open: () => {
      opened = true;
      for (const res of held.splice(0)) res.end('ok\n');
    },
    log: () => [...lines],
    started: () => new Set(started),
    validating: () => validating,
  };
}
