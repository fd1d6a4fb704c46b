import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
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

const key = 'sk-ant-test-key-for-the-fake-server';
const savedKey = 'sk-ant-saved-by-login-for-the-fake-server';
const savedToken = 'sk-ant-oat01-saved-login-for-the-fake-server';

const main = { provider: 'anthropic' as const, hasTool: 'Write' };
const call = (name: string, args: Record<string, unknown>) => ({ toolCalls: [{ name, arguments: args }] });

/** Task t1: publish a finding over MCP, write hello.txt, run the probe; t2 writes second.txt. */
const rules: FakeRule[] = [
  {
    name: 't1-done',
    match: { ...main, anyMessage: '(id t1)', toolResult: { name: 'Bash' } },
    reply: { text: 'Wrote hello.txt.' },
  },
  {
    name: 't1-probe',
    match: { ...main, anyMessage: '(id t1)', toolResult: { name: 'Write' } },
    reply: call('Bash', { command: 'npm run probe', description: 'probe' }),
  },
  {
    name: 't1-write',
    match: { ...main, anyMessage: '(id t1)', toolResult: { name: 'mcp__maestro__publish_finding' } },
    reply: call('Write', { file_path: 'hello.txt', content: 'hello from claude\n' }),
  },
  {
    name: 't1-publish',
    match: { ...main, anyMessage: '(id t1)' },
    reply: call('mcp__maestro__publish_finding', {
      text: 'hello.txt greets in English',
      files: ['hello.txt'],
    }),
  },
  {
    name: 't2-done',
    match: { ...main, anyMessage: '(id t2)', toolResult: { name: 'Write' } },
    reply: { text: 'Wrote second.txt.' },
  },
  {
    name: 't2-write',
    match: { ...main, anyMessage: '(id t2)' },
    reply: call('Write', { file_path: 'second.txt', content: 'second\n' }),
  },
];

const ofType = <T extends RunEvent['type']>(events: RunEvent[], type: T) =>
  events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);

describeCli('claude', () => {
  it('edits, publishes a finding over MCP that the next agent sees, runs an allowed command, and is priced live', async () => {
    const server = await fakeServer({ rules, fallback: { text: 'ok' } });
    const { repo, home } = await agentRepo({ agent: 'claude' });
    const run = await runMaestro(repo, twoTasks, {
      HOME: home,
      XDG_DATA_HOME: await dataHome(),
      ANTHROPIC_API_KEY: key,
      ANTHROPIC_BASE_URL: server.url,
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      // Not declared by the claude preset: must not reach it.
      OPENAI_API_KEY: 'sk-openai-not-for-claude',
      MAESTRO_TEST_UNDECLARED_TOKEN: 'secret',
    });
    expect(run.stderr).not.toContain('Error');
    expect(ofType(run.events, 'run.finished')[0]).toMatchObject({ status: 'merged' });
    // Edits merged into the result branch.
    expect(fileAt(repo, run.resultBranch, 'hello.txt')).toBe('hello from claude');
    expect(fileAt(repo, run.resultBranch, 'second.txt')).toBe('second');
    // Tool calls in the journal, the MCP one included.
    const calls = ofType(run.events, 'agent.tool_call').map((e) => `${e.taskId}:${e.name}`);
    expect(calls).toEqual(['t1:mcp__maestro__publish_finding', 't1:Write', 't1:Bash', 't2:Write']);
    const bash = ofType(run.events, 'agent.tool_result').find((e) => e.name === 'Bash');
    expect(bash?.ok).toBe(true); // the allowed command ran: Bash is not denied
    // The finding is journaled (the TUI's shared-memory pane) and in t2's prompt.
    expect(ofType(run.events, 'finding.published')).toMatchObject([
      { taskId: 't1', agentId: 't1.1', text: 'hello.txt greets in English', files: ['hello.txt'] },
    ]);
    const t2First = server.requests.find((r) => r.ruleName === 't2-write');
    expect(t2First?.rawBody).toContain('hello.txt greets in English');
    // Tokens and dollars per API message, with the real model name, priced from the catalog.
    const usage = ofType(run.events, 'agent.usage').filter((e) => e.taskId === 't1');
    expect(usage.length).toBeGreaterThanOrEqual(4);
    expect(usage[0]?.model).toMatch(/^claude-/);
    expect(usage.reduce((sum, e) => sum + e.costUsd, 0)).toBeGreaterThan(0);
    // Credentials: the declared ones reached claude (its key went to the server), nothing else.
    expect(server.requests.every((r) => r.headers['x-api-key'] === key)).toBe(true);
    const seen = JSON.parse(fileAt(repo, run.resultBranch, 'seen-env.json') ?? '[]') as string[];
    expect(seen).toEqual(expect.arrayContaining(['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL']));
    expect(seen).not.toContain('OPENAI_API_KEY');
    expect(seen).not.toContain('MAESTRO_TEST_UNDECLARED_TOKEN');
  });

  it('is stopped within one streamed message of crossing the task budget; its work so far is committed', async () => {
    const server = await fakeServer({
      rules: [
        // The second answer alone costs more than the cap; the slow command it asks for never finishes.
        {
          name: 'expensive',
          match: { ...main, toolResult: { name: 'Write' } },
          reply: {
            ...call('Bash', { command: 'npm run slow', description: 'slow' }),
            usage: { inputTokens: 2_000_000, outputTokens: 10 },
          },
        },
        {
          name: 'after',
          match: { ...main, toolResult: { name: 'Bash' } },
          reply: { text: 'should never be asked' },
        },
        {
          name: 'write',
          match: main,
          reply: {
            ...call('Write', { file_path: 'hello.txt', content: 'partial\n' }),
            usage: { inputTokens: 100, outputTokens: 10 },
          },
        },
      ],
      fallback: { text: 'ok' },
    });
    const { repo, home } = await agentRepo({ agent: 'claude', budget: { taskUsd: 0.5 } });
    const run = await runMaestro(
      repo,
      { tasks: [twoTasks.tasks[0]] },
      {
        HOME: home,
        XDG_DATA_HOME: await dataHome(),
        ANTHROPIC_API_KEY: key,
        ANTHROPIC_BASE_URL: server.url,
        DISABLE_TELEMETRY: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
    );
    // The run's budget watch or the agent's own check, whichever sees the crossing message first.
    const ended = [...ofType(run.events, 'task.stopped'), ...ofType(run.events, 'task.failed')][0];
    expect(ended?.reason).toMatch(/budget of \$0\.50? (is spent|reached)/);
    expect(ofType(run.events, 'budget.exceeded')[0]).toMatchObject({ scope: 'task', limitUsd: 0.5 });
    expect(server.requests.some((r) => r.ruleName === 'after')).toBe(false);
    const committed = ofType(run.events, 'task.committed')[0];
    expect(committed).toBeDefined();
    expect(fileAt(repo, committed?.commit ?? '', 'hello.txt')).toBe('partial');
    expect(fileAt(repo, committed?.commit ?? '', 'slow-done.txt')).toBeNull();
  });

  // A login claude saved in the user's home (no key variable): an API key from /login in
  // ~/.claude.json, or a claude.ai login in ~/.claude/.credentials.json. The sandbox hides that
  // home; claude runs with a private copy of it.
  it.each([
    {
      login: 'API key saved by /login',
      save: async (home: string) => {
        await writeFile(
          join(home, '.claude.json'),
          JSON.stringify({ primaryApiKey: savedKey, numStartups: 7 }),
        );
      },
      sent: (headers: Record<string, string | undefined>) => headers['x-api-key'] === savedKey,
    },
    {
      login: 'claude.ai login',
      save: async (home: string) => {
        await mkdir(join(home, '.claude'));
        const oauth = {
          accessToken: savedToken,
          refreshToken: 'sk-ant-ort01-refresh-never-used',
          expiresAt: Date.now() + 3_600_000,
          scopes: ['user:inference', 'user:profile'],
          subscriptionType: 'pro',
        };
        await writeFile(join(home, '.claude', '.credentials.json'), JSON.stringify({ claudeAiOauth: oauth }));
      },
      sent: (headers: Record<string, string | undefined>) => headers.authorization === `Bearer ${savedToken}`,
    },
  ])(
    'uses the $login saved only in the home folder, and leaves that home as it was',
    async ({ save, sent }) => {
      const server = await fakeServer({
        rules: [
          {
            name: 'done',
            match: { ...main, toolResult: { name: 'Write' } },
            reply: { text: 'Wrote hello.txt.' },
          },
          { name: 'write', match: main, reply: call('Write', { file_path: 'hello.txt', content: 'hi\n' }) },
        ],
        fallback: { text: 'ok' },
      });
      const { repo, home } = await agentRepo({ agent: 'claude' });
      await save(home);
      const before = await homeSnapshot(home);
      const data = await dataHome();
      const run = await runMaestro(
        repo,
        { tasks: [twoTasks.tasks[0]] },
        {
          HOME: home,
          XDG_DATA_HOME: data,
          ANTHROPIC_BASE_URL: server.url,
          DISABLE_TELEMETRY: '1',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        },
      );
      expect(ofType(run.events, 'run.finished')[0]).toMatchObject({ status: 'merged' });
      expect(fileAt(repo, run.resultBranch, 'hello.txt')).toBe('hi');
      expect(server.requests.length).toBeGreaterThanOrEqual(2);
      expect(server.requests.every((r) => sent(r.headers))).toBe(true);
      // The user's home is as it was (claude wrote its state into the private copy), and the copy is gone.
      expect(await homeSnapshot(home)).toEqual(before);
      expect(await readdir(join(data, 'maestro', 'agents'))).toEqual([]);
    },
  );

  it('says which variable or login is missing when claude has no credentials', async () => {
    const { repo, home } = await agentRepo({ agent: 'claude' });
    const run = await runMaestro(
      repo,
      { tasks: [twoTasks.tasks[0]] },
      {
        HOME: home,
        XDG_DATA_HOME: await dataHome(),
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
        DISABLE_TELEMETRY: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
    );
    const reason = ofType(run.events, 'task.failed')[0]?.reason ?? '';
    expect(reason).toContain('claude has no usable credentials');
    expect(reason).toContain('ANTHROPIC_API_KEY');
    expect(reason).toContain('"allowEnv"');
    expect(reason).toContain('/login');
  });
});
