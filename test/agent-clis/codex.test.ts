import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { FakeRule } from '../../src/llm/fake/index.js';
import { fakeServer } from '../helpers/fake-server.js';
import { agentRepo, dataHome, describeCli, fileAt, runMaestro, twoTasks, type RunEvent } from './harness.js';

const key = 'sk-codex-test-key-for-the-fake-server';

/**
 * codex-cli 0.171 offers the model one `exec` tool (JavaScript calling its nested tools:
 * apply_patch, exec_command, the MCP servers' tools); the fake model writes that script.
 */
const exec = (script: string) => ({ toolCalls: [{ name: 'exec', rawArguments: script }] });
const patch = (file: string, line: string) =>
  `await tools.apply_patch(${JSON.stringify(`*** Begin Patch\n*** Add File: ${file}\n+${line}\n*** End Patch\n`)});`;

const rules: FakeRule[] = [
  {
    name: 't1-done',
    match: { provider: 'openai', anyMessage: '(id t1)', toolResult: {} },
    reply: { text: 'Wrote hello.txt.' },
  },
  {
    name: 't1-work',
    match: { provider: 'openai', anyMessage: '(id t1)' },
    reply: exec(
      `const f = await tools.mcp__maestro__publish_finding({ text: "hello.txt greets in English", files: ["hello.txt"] });\ntext(JSON.stringify(f));\n${patch('hello.txt', 'hello from codex')}`,
    ),
  },
  {
    name: 't2-done',
    match: { provider: 'openai', anyMessage: '(id t2)', toolResult: {} },
    reply: { text: 'Wrote second.txt.' },
  },
  {
    name: 't2-work',
    match: { provider: 'openai', anyMessage: '(id t2)' },
    // codex's own sandbox is off under maestro's: a write outside the worktree (the repository's hooks) must still fail.
    reply: exec(
      `${patch('second.txt', 'second')}\nawait tools.exec_command({ cmd: 'touch "$(git rev-parse --path-format=absolute --git-common-dir)/hooks/escaped.txt" 2>&1; echo "touch exited $?"' });`,
    ),
  },
];

const ofType = <T extends RunEvent['type']>(events: RunEvent[], type: T) =>
  events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);

describeCli('codex', () => {
  it("edits inside maestro's sandbox (codex's own cannot nest in it), publishes a finding over MCP that the next agent sees, and is priced by its configured model", async () => {
    const server = await fakeServer({ rules, fallback: { text: 'ok' } });
    const { repo, home } = await agentRepo({ agent: 'codex' });
    // codex refuses to set up its sandbox helpers with CODEX_HOME below /tmp.
    const codexHome = join(await dataHome(), 'codex');
    await mkdir(codexHome);
    await writeFile(
      join(codexHome, 'config.toml'),
      [
        'model = "gpt-5.6-sol"',
        'model_provider = "fake"',
        '',
        '[model_providers.fake]',
        'name = "fake"',
        `base_url = "${server.openaiBaseURL}"`,
        'env_key = "OPENAI_API_KEY"',
        'wire_api = "responses"',
        '',
      ].join('\n'),
    );
    const run = await runMaestro(repo, twoTasks, {
      HOME: home,
      XDG_DATA_HOME: await dataHome(),
      CODEX_HOME: codexHome,
      OPENAI_API_KEY: key,
      ANTHROPIC_API_KEY: 'sk-ant-not-for-codex',
    });
    expect(ofType(run.events, 'run.finished')[0]).toMatchObject({ status: 'merged' });
    expect(fileAt(repo, run.resultBranch, 'hello.txt')).toBe('hello from codex');
    expect(fileAt(repo, run.resultBranch, 'second.txt')).toBe('second');
    const calls = ofType(run.events, 'agent.tool_call').map((e) => `${e.taskId}:${e.name}`);
    expect(calls).toEqual([
      't1:maestro.publish_finding',
      't1:file_change',
      't2:file_change',
      't2:command_execution',
    ]);
    const escape = ofType(run.events, 'agent.tool_result').find((e) => e.name === 'command_execution');
    expect(escape?.output).toMatch(/Read-only file system[\s\S]*touch exited 1/);
    expect(existsSync(join(repo, '.git', 'hooks', 'escaped.txt'))).toBe(false);
    expect(ofType(run.events, 'agent.tool_result').every((e) => e.ok)).toBe(true);
    expect(ofType(run.events, 'finding.published')).toMatchObject([
      { taskId: 't1', text: 'hello.txt greets in English', files: ['hello.txt'] },
    ]);
    expect(server.requests.find((r) => r.ruleName === 't2-work')?.rawBody).toContain(
      'hello.txt greets in English',
    );
    const usage = ofType(run.events, 'agent.usage');
    expect(usage.length).toBeGreaterThanOrEqual(2);
    expect(usage.every((e) => e.model === 'gpt-5.6-sol' && e.costUsd > 0)).toBe(true);
    expect(usage.some((e) => e.usage.cachedInputTokens > 0)).toBe(true);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${key}`)).toBe(true);
  });

  it('says which variable or login is missing when codex has no credentials', async () => {
    const { repo, home } = await agentRepo({ agent: 'codex' });
    const codexHome = join(await dataHome(), 'codex');
    await mkdir(codexHome);
    await writeFile(
      join(codexHome, 'config.toml'),
      'model = "gpt-5.6-sol"\nmodel_provider = "fake"\n\n[model_providers.fake]\nname = "fake"\nbase_url = "http://127.0.0.1:9/v1"\nenv_key = "OPENAI_API_KEY"\nwire_api = "responses"\n',
    );
    const run = await runMaestro(
      repo,
      { tasks: [twoTasks.tasks[0]] },
      {
        HOME: home,
        XDG_DATA_HOME: await dataHome(),
        CODEX_HOME: codexHome,
      },
    );
    const reason = ofType(run.events, 'task.failed')[0]?.reason ?? '';
    expect(reason).toContain('codex has no usable credentials');
    expect(reason).toContain('OPENAI_API_KEY');
    expect(reason).toContain('"allowEnv"');
  });
});
