import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { geminiKeychainFile, savedGeminiApiKey } from '../helpers/gemini-keychain.js';
import type { FakeRule } from '../../src/llm/fake/index.js';
import { fakeServer } from '../helpers/fake-server.js';
import {
  agentRepo,
  dataHome,
  describeCli,
  fileAt,
  homeSnapshot,
  runMaestro,
  twoTasks,
  type RunEvent,
} from './harness.js';

const key = 'gemini-test-key-for-the-fake-server';
const savedKey = 'gemini-key-saved-by-its-dialog-for-the-fake-server';

const main = { provider: 'gemini' as const, hasTool: 'write_file' };
const call = (name: string, args: Record<string, unknown>) => ({ toolCalls: [{ name, arguments: args }] });

// Gemini CLI 0.61 names a tool of MCP server "maestro" mcp_maestro_<tool>.
const rules: FakeRule[] = [
  {
    name: 't1-done',
    match: { ...main, anyMessage: '(id t1)', toolResult: { name: 'run_shell_command' } },
    reply: { text: 'Wrote hello.txt.' },
  },
  {
    name: 't1-probe',
    match: { ...main, anyMessage: '(id t1)', toolResult: { name: 'write_file' } },
    reply: call('run_shell_command', { command: 'npm run probe' }),
  },
  {
    name: 't1-write',
    match: { ...main, anyMessage: '(id t1)', toolResult: { name: 'mcp_maestro_publish_finding' } },
    reply: call('write_file', { file_path: 'hello.txt', content: 'hello from gemini\n' }),
  },
  {
    name: 't1-publish',
    match: { ...main, anyMessage: '(id t1)' },
    reply: call('mcp_maestro_publish_finding', { text: 'hello.txt greets in English', files: ['hello.txt'] }),
  },
  {
    name: 't2-done',
    match: { ...main, anyMessage: '(id t2)', toolResult: { name: 'write_file' } },
    reply: { text: 'Wrote second.txt.' },
  },
  {
    name: 't2-write',
    match: { ...main, anyMessage: '(id t2)' },
    reply: call('write_file', { file_path: 'second.txt', content: 'second\n' }),
  },
];

const ofType = <T extends RunEvent['type']>(events: RunEvent[], type: T) =>
  events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);

async function geminiEnv(baseUrl: string, withKey = true, home?: string): Promise<Record<string, string>> {
  return {
    HOME: home ?? (await agentRepo({})).home,
    XDG_DATA_HOME: await dataHome(),
    ...(withKey && { GEMINI_API_KEY: key }),
    GOOGLE_GEMINI_BASE_URL: baseUrl,
    OPENAI_API_KEY: 'sk-openai-not-for-gemini',
    MAESTRO_TEST_UNDECLARED_TOKEN: 'secret',
  };
}

describeCli('gemini', () => {
  it('edits, publishes a finding over MCP that the next agent sees, and records tools, tokens and cost from stream-json', async () => {
    const server = await fakeServer({ rules, fallback: { text: '{}' } });
    const { repo } = await agentRepo({ agent: 'gemini' });
    const run = await runMaestro(repo, twoTasks, await geminiEnv(server.url));
    expect(ofType(run.events, 'run.finished')[0]).toMatchObject({ status: 'merged' });
    expect(fileAt(repo, run.resultBranch, 'hello.txt')).toBe('hello from gemini');
    expect(fileAt(repo, run.resultBranch, 'second.txt')).toBe('second');
    const calls = ofType(run.events, 'agent.tool_call').map((e) => `${e.taskId}:${e.name}`);
    expect(calls).toEqual([
      't1:mcp_maestro_publish_finding',
      't1:write_file',
      't1:run_shell_command',
      't2:write_file',
    ]);
    expect(ofType(run.events, 'agent.tool_result').every((e) => e.ok)).toBe(true);
    expect(ofType(run.events, 'finding.published')).toMatchObject([
      { taskId: 't1', text: 'hello.txt greets in English', files: ['hello.txt'] },
    ]);
    expect(server.requests.find((r) => r.ruleName === 't2-write')?.rawBody).toContain(
      'hello.txt greets in English',
    );
    // Usage per model from the result stats; the model that did the work is in the catalog.
    const usage = ofType(run.events, 'agent.usage').filter((e) => e.taskId === 't1');
    const main = usage.find((e) => e.model === 'gemini-3.1-pro-preview');
    expect(main?.usage.inputTokens).toBeGreaterThan(1000);
    expect(main?.costUsd).toBeGreaterThan(0);
    expect(server.requests.every((r) => r.headers['x-goog-api-key'] === key)).toBe(true);
    const seen = JSON.parse(fileAt(repo, run.resultBranch, 'seen-env.json') ?? '[]') as string[];
    expect(seen).toEqual(expect.arrayContaining(['GEMINI_API_KEY', 'GOOGLE_GEMINI_BASE_URL']));
    expect(seen).not.toContain('OPENAI_API_KEY');
    expect(seen).not.toContain('MAESTRO_TEST_UNDECLARED_TOKEN');
  });

  it('stops an over-budget task when gemini reports its usage; the work so far is committed', async () => {
    const server = await fakeServer({
      rules: [
        {
          name: 'done',
          match: { ...main, toolResult: { name: 'write_file' } },
          reply: { text: 'done', usage: { inputTokens: 2_000_000, outputTokens: 10 } },
        },
        {
          name: 'write',
          match: main,
          reply: call('write_file', { file_path: 'hello.txt', content: 'partial\n' }),
        },
      ],
      fallback: { text: '{}' },
    });
    const { repo } = await agentRepo({ agent: 'gemini', budget: { taskUsd: 0.5 } });
    const run = await runMaestro(repo, { tasks: [twoTasks.tasks[0]] }, await geminiEnv(server.url));
    const ended = [...ofType(run.events, 'task.stopped'), ...ofType(run.events, 'task.failed')][0];
    expect(ended?.reason).toMatch(/budget of \$0\.50? (is spent|reached)/);
    const committed = ofType(run.events, 'task.committed')[0];
    expect(fileAt(repo, committed?.commit ?? '', 'hello.txt')).toBe('partial');
  });

  // A Google login cannot be pointed at the fake server: gemini checks a saved one at
  // https://oauth2.googleapis.com/tokeninfo (fixed in google-auth-library) before it uses it, and
  // then speaks the Code Assist protocol, not the Gemini API. An API key saved by gemini's own
  // dialog can: on a machine without a keychain it is in ~/.gemini/gemini-credentials.json.
  it('uses an API key gemini saved in the home folder (no key variable), and leaves that home as it was', async () => {
    const server = await fakeServer({
      rules: [
        {
          name: 'done',
          match: { ...main, toolResult: { name: 'write_file' } },
          reply: { text: 'Wrote hello.txt.' },
        },
        {
          name: 'write',
          match: main,
          reply: call('write_file', { file_path: 'hello.txt', content: 'hi\n' }),
        },
      ],
      fallback: { text: '{}' },
    });
    const { repo, home } = await agentRepo({ agent: 'gemini' });
    await mkdir(join(home, '.gemini'));
    // What gemini writes when the key is entered in its dialog: the key, and the auth type chosen.
    await writeFile(
      join(home, '.gemini', 'gemini-credentials.json'),
      geminiKeychainFile(savedGeminiApiKey(savedKey)),
    );
    await writeFile(
      join(home, '.gemini', 'settings.json'),
      JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }),
    );
    const before = await homeSnapshot(home);
    const env = await geminiEnv(server.url, false, home);
    const run = await runMaestro(repo, { tasks: [twoTasks.tasks[0]] }, env);
    expect(ofType(run.events, 'run.finished')[0]).toMatchObject({ status: 'merged' });
    expect(fileAt(repo, run.resultBranch, 'hello.txt')).toBe('hi');
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.every((r) => r.headers['x-goog-api-key'] === savedKey)).toBe(true);
    expect(await homeSnapshot(home)).toEqual(before);
    expect(await readdir(join(env.XDG_DATA_HOME ?? '', 'maestro', 'agents'))).toEqual([]);
  });

  it('says which variable or login is missing when gemini has no credentials', async () => {
    const { repo } = await agentRepo({ agent: 'gemini' });
    const run = await runMaestro(
      repo,
      { tasks: [twoTasks.tasks[0]] },
      await geminiEnv('http://127.0.0.1:9', false),
    );
    const reason = ofType(run.events, 'task.failed')[0]?.reason ?? '';
    expect(reason).toContain('gemini has no usable credentials');
    expect(reason).toContain('GEMINI_API_KEY');
    expect(reason).toContain('"allowEnv"');
  });
});
