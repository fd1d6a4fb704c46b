import { readFileSync } from 'node:fs';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runExternalAgent } from '../../src/agent/external/run.js';
import type { AgentEventBody } from '../../src/agent/events.js';
import { startAgent } from '../../src/agent/runner.js';
import { SharedMemory } from '../../src/agent/shared-memory.js';
import { configSchema } from '../../src/config/schema.js';
import { tempDir } from '../helpers/repo.js';
import { unconfinedSandbox } from '../../src/sandbox/run.js';
import { isAlive, tempWorktree } from './helpers.js';

const scriptAgent = `
printf '%s' "$1" > "$MAESTRO_WORKTREE/arg.txt"
echo "argc=$#"
env > "$OUT/env.txt"
pwd > "$OUT/pwd.txt"
echo "$MAESTRO_PROMPT_FILE" > "$OUT/prompt-path.txt"
cat "$MAESTRO_PROMPT_FILE" > "$OUT/prompt-copy.txt"
echo "warning on stderr" >&2
echo 'export const fixed = true;' > src.mjs
echo "all done"
`;

function procState(pid: number): string {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2)[0] ?? '';
}

// These check the CLI runner itself (argv, streams, process groups, pause, budgets) on stub CLIs in
// temporary folders; test/security/sandbox-escape.test.ts runs external CLIs inside the sandbox.
const sandbox = unconfinedSandbox();
/** Process states settle late on a loaded machine (a shell held in D by a fork or a page fault): up to 10 s. */
const settle = { timeout: 10_000, interval: 50 };

describe('external agent CLIs', () => {
  it('runs a command template with the prompt as ONE argument, in the worktree, with a scrubbed env', async () => {
    const { worktree } = await tempWorktree({ 'a.txt': 'a\n' });
    const out = await tempDir('maestro-out-');
    const script = join(out, 'agent.sh');
    await writeFile(script, scriptAgent);
    const prompt = 'Fix it. $(touch pwned) `touch pwned2` "quoted" ; rm -rf a.txt\nsecond line';
    const events: AgentEventBody[] = [];
    const outcome = await runExternalAgent({
      setting: { command: ['sh', script, '{prompt}'] },
      worktree,
      runId: 'run1',
      taskId: 't1',
      prompt,
      env: { PATH: process.env.PATH ?? '', OUT: out, HOME: out },
      emit: (e) => events.push(e),
      timeoutMs: 10_000,
      sandbox,
    });
    expect(outcome).toMatchObject({ status: 'finished', summary: 'all done', reason: '' });
    expect(await readFile(join(worktree, 'arg.txt'), 'utf8')).toBe(prompt);
    await expect(stat(join(worktree, 'pwned'))).rejects.toThrow();
    expect(await readFile(join(worktree, 'a.txt'), 'utf8')).toBe('a\n');
    expect(await readFile(join(worktree, 'src.mjs'), 'utf8')).toContain('fixed');
    expect((await readFile(join(out, 'pwd.txt'), 'utf8')).trim()).toBe(worktree);
    expect(await readFile(join(out, 'prompt-copy.txt'), 'utf8')).toBe(prompt);
    const env = await readFile(join(out, 'env.txt'), 'utf8');
    expect(env).toContain('MAESTRO_RUN_ID=run1\n');
    expect(env).toContain('MAESTRO_TASK_ID=t1\n');
    expect(env).toContain(`MAESTRO_WORKTREE=${worktree}\n`);
    const promptPath = (await readFile(join(out, 'prompt-path.txt'), 'utf8')).trim();
    expect(promptPath.startsWith(worktree)).toBe(false);
    await expect(stat(promptPath)).rejects.toThrow(); // removed after the run
    const texts = events.filter((e) => e.type === 'agent.text').map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining(['argc=1\n', 'warning on stderr\n', 'all done\n']));
    expect(events.at(-1)).toEqual({ type: 'agent.finished', taskId: 't1', summary: 'all done' });
  });

  it('fails with the last output lines on a non-zero exit, and says when the CLI is missing', async () => {
    const { worktree } = await tempWorktree({ 'a.txt': 'a\n' });
    const base = {
      worktree,
      runId: 'r',
      taskId: 't1',
      prompt: 'p',
      env: { PATH: process.env.PATH ?? '' },
      sandbox,
    };
    const failed = await runExternalAgent({
      ...base,
      setting: { command: ['sh', '-c', 'echo working; echo "fatal: no model" >&2; exit 3'] },
      emit: () => undefined,
      timeoutMs: 10_000,
    });
    expect(failed.status).toBe('failed');
    expect(failed.reason).toBe('sh exited with code 3:\nworking\nfatal: no model');
    const missing = await runExternalAgent({
      ...base,
      setting: { command: ['maestro-no-such-agent-cli', '{prompt}'] },
      emit: () => undefined,
      timeoutMs: 10_000,
    });
    expect(missing.status).toBe('failed');
    expect(missing.reason).toMatch(
      /^maestro-no-such-agent-cli could not be started \(.*ENOENT.*\); install it/,
    );
  });

  it('kills a hung CLI with its whole process group after the task timeout', async () => {
    const { worktree } = await tempWorktree({ 'a.txt': 'a\n' });
    const hung =
      'trap "" TERM; sh -c \'trap "" TERM; echo $$ > "$MAESTRO_WORKTREE/child.pid"; while :; do sleep 0.1; done\' & while :; do sleep 0.1; done';
    const outcome = await runExternalAgent({
      setting: { command: ['sh', '-c', hung] },
      worktree,
      runId: 'r',
      taskId: 't1',
      prompt: 'p',
      env: { PATH: process.env.PATH ?? '' },
      emit: () => undefined,
      timeoutMs: 700,
      graceMs: 300,
      sandbox,
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'sh ran past the task timeout (1 s) and was killed.',
    });
    const child = Number(await readFile(join(worktree, 'child.pid'), 'utf8'));
    await vi.waitFor(() => expect(isAlive(child)).toBe(false), { timeout: 5_000 });
  });

  it('pauses (SIGSTOP), resumes and stops an external agent through the common handle', async () => {
    const { worktree } = await tempWorktree({ 'a.txt': 'a\n' });
    const config = configSchema.parse({
      agent: {
        // One process that only sleeps (no fork loop): a shell forking `sleep` was seen held in D for 10 s under heavy IO.
        command: ['sh', '-c', 'echo $$ > "$MAESTRO_WORKTREE/agent.pid"; exec sleep 600'],
      },
    });
    const handle = startAgent({
      runId: 'r',
      taskId: 't1',
      agentId: 'a1',
      worktree,
      config,
      system: [{ text: 'prefix', cache: true }],
      taskMessage: 'task',
      memory: new SharedMemory(),
      sandbox,
      emit: () => undefined,
    });
    const pidFile = join(worktree, 'agent.pid');
    const pid = await vi.waitFor(async () => Number(await readFile(pidFile, 'utf8')), { timeout: 5_000 });
    handle.pause();
    expect(handle.paused).toBe(true);
    await vi.waitFor(() => expect(procState(pid)).toBe('T'), settle);
    handle.resume();
    await vi.waitFor(() => expect(procState(pid)).not.toBe('T'), settle);
    handle.stop('user stop');
    expect(await handle.outcome).toMatchObject({ status: 'stopped', reason: 'user stop' });
    await vi.waitFor(() => expect(isAlive(pid)).toBe(false), settle);
  });

  it('runs the claude preset in stream-json mode and reports its usage and cost', async () => {
    const { worktree } = await tempWorktree({ 'a.txt': 'a\n' });
    const bin = await tempDir('maestro-bin-');
    const fixture = new URL('./fixtures/claude-stream.jsonl', import.meta.url).pathname;
    await writeFile(
      join(bin, 'claude'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${bin}/args.txt"\nenv > "${bin}/env.txt"\ncat "${fixture}"\n`,
    );
    await chmod(join(bin, 'claude'), 0o755);
    const events: AgentEventBody[] = [];
    const handle = startAgent({
      runId: 'r',
      taskId: 't1',
      agentId: 'a1',
      worktree,
      config: configSchema.parse({ agent: 'claude' }),
      system: [{ text: 'PREFIX', cache: true }],
      taskMessage: 'TASK',
      memory: new SharedMemory(),
      sandbox,
      emit: (e) => events.push(e),
      env: {
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        ANTHROPIC_API_KEY: 'sk-ant-secret',
        OPENAI_API_KEY: 'sk-openai-secret',
      },
    });
    const outcome = await handle.outcome;
    expect(outcome).toMatchObject({
      status: 'finished',
      summary: 'Fixed `add` to return the sum.',
      costUsd: 0.0412345,
    });
    expect(outcome.usage.outputTokens).toBe(120);
    const args = (await readFile(join(bin, 'args.txt'), 'utf8')).split('\n');
    expect(args.slice(0, 6)).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'acceptEdits',
    ]);
    // The run's MCP server for this process only, then the external prompt (with the shared context) last.
    expect(args).toContain('--strict-mcp-config');
    expect(args.join('\n')).toMatch(
      /--mcp-config=\{"mcpServers":\{"maestro":\{"type":"http","url":"http:\/\/127\.0\.0\.1:\d+\/mcp\/[0-9a-f]+"\}\}\}/,
    );
    const prompt = args.slice(args.indexOf('--') + 1).join('\n');
    expect(prompt).toContain('driven by maestro');
    expect(prompt).toContain('PREFIX');
    expect(prompt).not.toContain('edit_file');
    expect(events.filter((e) => e.type === 'agent.tool_call').map((e) => e.name)).toEqual([
      'Read',
      'Edit',
      'Bash',
    ]);
    // The claude preset declares its key: it passes, for this CLI only.
    const env = await readFile(join(bin, 'env.txt'), 'utf8');
    // The preset's own credential passes the allowlist (claude calls its model itself); nothing else does.
    expect(env).toContain('ANTHROPIC_API_KEY=sk-ant-secret\n');
    expect(env).not.toContain('OPENAI_API_KEY');
    expect(env).toContain('MAESTRO_TASK_ID=t1');
  });

  it('kills a codex run that spends past the task budget', async () => {
    const { worktree } = await tempWorktree({ 'a.txt': 'a\n' });
    const bin = await tempDir('maestro-bin-');
    const usage =
      '{"type":"turn.completed","usage":{"input_tokens":1000,"cached_input_tokens":0,"output_tokens":1000}}';
    await writeFile(
      join(bin, 'codex'),
      `#!/bin/sh\necho $$ > "${bin}/pid"\necho '${usage}'\nwhile :; do sleep 0.1; done\n`,
    );
    await chmod(join(bin, 'codex'), 0o755);
    const handle = startAgent({
      runId: 'r',
      taskId: 't1',
      agentId: 'a1',
      worktree,
      // No config.toml names codex's model here: the config's price for "codex" applies.
      config: configSchema.parse({
        agent: 'codex',
        budget: { taskUsd: 0.5 },
        pricing: { codex: { input: 0, output: 1000 } },
      }),
      system: [{ text: 'PREFIX', cache: true }],
      taskMessage: 'TASK',
      memory: new SharedMemory(),
      sandbox,
      emit: () => undefined,
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: bin },
    });
    const outcome = await handle.outcome;
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: "the task's budget of $0.50 is spent ($1.00)",
      costUsd: 1,
    });
    const pid = Number(await readFile(join(bin, 'pid'), 'utf8'));
    await vi.waitFor(() => expect(isAlive(pid)).toBe(false), settle);
  });
});
