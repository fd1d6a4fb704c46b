import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeServer, parseEvents, eventOf } from '../e2e/harness.js';
import { processesWith } from '../agent/helpers.js';
import {
  filesText,
  giveTo,
  gitOut,
  hashTree,
  homeSecret,
  hostileFixture,
  hostileRules,
  marker,
  ordinaryUser,
  planted,
  probeScript,
  runHostile,
  type HostileFixture,
} from './hostile-run.js';

/**
 * Issue 13: every process maestro starts for an agent is confined. A hostile scripted model runs
 * real `maestro run` jobs and tries each way out; sentinel files are hashed before and after, and
 * the planted keys are searched for in every output, file, commit and model request.
 */
const fixtures: HostileFixture[] = [];
afterEach(() => {
  for (const fx of fixtures.splice(0)) fx.canary.close();
});

const secrets = [...Object.values(planted), homeSecret];

async function probeRun(as?: { uid: number; gid: number }) {
  const fx = await hostileFixture();
  fixtures.push(fx);
  const outsideFile = join(fx.outside, 'diff-output.txt');
  const server = await fakeServer({
    tokenLatencyMs: 0,
    rules: hostileRules(probeScript(fx, (fx.canary.address() as { port: number }).port), outsideFile),
  });
  if (as) giveTo(fx, as);
  const gitDir = join(fx.repo, '.git');
  const before = { outside: hashTree(fx.outside), hooks: hashTree(join(gitDir, 'hooks')) };
  const config = readFileSync(join(gitDir, 'config'), 'utf8');
  const result = await runHostile(fx, server, [], as);
  const events = parseEvents(result.stdout);
  return { fx, server, result, events, before, config, outsideFile, gitDir };
}

/** What an escape would have changed or leaked; empty when the sandbox held. */
async function escapes(run: Awaited<ReturnType<typeof probeRun>>): Promise<string[]> {
  const { fx, server, result, before, config, gitDir } = run;
  const found: string[] = [];
  if (JSON.stringify([...hashTree(fx.outside)]) !== JSON.stringify([...before.outside]))
    found.push('a file outside the worktree changed or appeared');
  if (JSON.stringify([...hashTree(join(gitDir, 'hooks'))]) !== JSON.stringify([...before.hooks]))
    found.push('.git/hooks changed');
  if (readFileSync(join(gitDir, 'config'), 'utf8') !== config) found.push('.git/config changed');
  if (existsSync(join(gitDir, 'maestro', 'planted'))) found.push("wrote into maestro's run folder");
  if (existsSync(join(gitDir, 'refs', 'heads', 'planted'))) found.push('wrote a ref');
  if (fx.connections() > 0) found.push(`reached the network ${fx.connections()} time(s)`);
  const texts: [string, string][] = [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
    ['git log', gitOut(fx.repo, ['log', '-p', '--all', '--format=%H%n%B'])],
    ...server.requests.map((r, i): [string, string] => [`model request ${i}`, r.rawBody]),
    ...filesText(fx.repo, fx.worktrees, fx.home).filter(([path]) => !path.endsWith('.secret-config')),
  ];
  for (const [where, text] of texts)
    for (const secret of secrets) if (text.includes(secret)) found.push(`${secret} in ${where}`);
  return found;
}

function toolOutputs(events: ReturnType<typeof parseEvents>): string {
  return events
    .filter((e) => e.type === 'agent.tool_result')
    .map((e) => String(e.output))
    .join('\n');
}

async function checkConfined(run: Awaited<ReturnType<typeof probeRun>>): Promise<void> {
  const { events, result } = run;
  const detail = `${result.stderr}\n${result.stdout.slice(-3_000)}`;
  // The run really happened: the probe ran as a command and as validation, and the task merged.
  expect(eventOf(events, 'run.started'), detail).toMatchObject({ confinement: 'sandboxed' });
  expect(eventOf(events, 'run.finished'), detail).toMatchObject({ merged: ['probe'] });
  const outputs = toolOutputs(events);
  // Outside folders are hidden (ENOENT) or read-only (EROFS); a hidden folder is an empty private tmpfs.
  expect(outputs).toMatch(/write outside: blocked (ENOENT|EROFS)/);
  expect(outputs).toMatch(/new file outside: blocked (ENOENT|EROFS)/);
  expect(outputs).toContain('plant hook: blocked EROFS');
  expect(outputs).toContain('write refs: blocked EROFS');
  expect(outputs).not.toMatch(/runs: .*\d{8}-\d{4}/);
  expect(outputs).toContain('plant config: blocked EROFS');
  expect(outputs).toMatch(/read home config: blocked ENOENT/);
  expect(outputs).toMatch(/network: blocked (ECONNREFUSED|ENETUNREACH)/);
  // Its own PID namespace: a handful of processes (the command's own), never maestro's.
  const seen = Number(/processes seen: (\d+)/.exec(outputs)?.[1]);
  expect(seen).toBeGreaterThan(0);
  expect(seen).toBeLessThan(8);
  // run_command has no shell and checks flags and paths.
  expect(outputs).toContain('the command contains a newline');
  expect(outputs).toContain('the flag --output is not allowed for git');
  expect(outputs).toContain('the flag --no-index is not allowed for git');
  expect(existsSync(join(run.fx.worktrees, 'pwned'))).toBe(false);
  // The setsid child that ignores SIGTERM died with its command.
  await vi.waitFor(() => expect(processesWith(marker)).toEqual([]), { timeout: 10_000 });
  expect(await escapes(run)).toEqual([]);
  // The agent's committed loot (every /proc/*/environ it could read) holds none of the keys.
  const branch = String(eventOf(events, 'run.started').resultBranch);
  expect(gitOut(run.fx.repo, ['show', `${branch}:loot.txt`])).not.toContain('PLANTED');
}

describe('sandbox escape suite', () => {
  it('a hostile agent gets nothing out: files, git, /proc, processes, network, run_command', async () => {
    await checkConfined(await probeRun());
  }, 300_000);

  // The same run as an ordinary user: bubblewrap then relies on unprivileged user namespaces.
  // Creating that user and switching to it needs root; run as a non-root user, the test above is this one.
  it.runIf(process.getuid?.() === 0)(
    'holds for an ordinary (non-root) user too',
    async () => {
      await checkConfined(await probeRun(ordinaryUser()));
    },
    300_000,
  );

  it("with the sandbox off, maestro's own git still runs no planted hook, fsmonitor or hooksPath", async () => {
    const fx = await hostileFixture({ validate: ['node plant.mjs'] });
    fixtures.push(fx);
    const ran = join(fx.outside, 'ran');
    // Unconfined agent code plants all three; maestro then adds, commits, diffs and merges its work.
    const plant = `import fs from 'node:fs';
const hook = '#!/bin/sh\\necho "$0" >> ${ran}\\n';
for (const name of ['pre-commit', 'commit-msg', 'post-commit', 'post-checkout', 'reference-transaction']) {
  fs.writeFileSync(${JSON.stringify(join(fx.repo, '.git', 'hooks'))} + '/' + name, hook, { mode: 0o755 });
}
fs.mkdirSync('.githooks', { recursive: true });
fs.writeFileSync('.githooks/pre-commit', hook, { mode: 0o755 });
fs.writeFileSync('fsmonitor.sh', hook, { mode: 0o755 });
fs.appendFileSync(${JSON.stringify(join(fx.repo, '.git', 'config'))}, '[core]\\n\\tfsmonitor = ' + process.cwd() + '/fsmonitor.sh\\n\\thooksPath = .githooks\\n');
console.log('planted');
`;
    const server = await fakeServer({
      tokenLatencyMs: 0,
      rules: [
        hostileRules('', '')[0]!,
        ...(await import('../e2e/harness.js')).conversation('probe', [
          { toolCalls: [{ name: 'write_file', arguments: { path: 'plant.mjs', content: plant } }] },
          { toolCalls: [{ name: 'run_command', arguments: { command: 'node plant.mjs' } }] },
          { toolCalls: [{ name: 'write_file', arguments: { path: 'more.txt', content: 'x\n' } }] },
          { toolCalls: [{ name: 'finish', arguments: { summary: 'planted' } }] },
        ]),
      ],
    });
    const result = await runHostile(fx, server, ['--no-sandbox']);
    const events = parseEvents(result.stdout);
    const detail = `${result.stderr}\n${result.stdout.slice(-3_000)}`;
    expect(toolOutputs(events), detail).toContain('planted');
    expect(readFileSync(join(fx.repo, '.git', 'config'), 'utf8')).toContain('hooksPath = .githooks');
    expect(eventOf(events, 'run.finished'), detail).toMatchObject({ merged: ['probe'] });
    expect(existsSync(ran), 'a planted hook or fsmonitor ran').toBe(false);
    // Unconfined is said at the start, in the journal's run.started and in the summary.
    expect(result.stderr).toContain('sandbox off (--no-sandbox)');
    expect(eventOf(events, 'run.started')).toMatchObject({ confinement: 'unconfined' });
    expect(result.stderr).toContain('the agents ran UNCONFINED');
  }, 300_000);
});
