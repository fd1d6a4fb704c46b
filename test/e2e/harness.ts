import type { FakeServer } from '../../src/llm/fake/index.js';
import type { FakeReply, FakeRule } from '../../src/llm/fake/scenario.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { runGit, tempDir, tempRepo } from '../helpers/repo.js';

/** End-to-end helpers: fixture repos with a config, scripted agents, the built CLI against the fake server. */

export { fakeServer } from '../helpers/fake-server.js';

export type Step = Omit<FakeReply, 'toolCalls'> & { toolCalls?: FakeReply['toolCalls'] };

export const call = (name: string, args: Record<string, unknown>): Step => ({
  toolCalls: [{ name, arguments: args }],
});

/** One rule per turn of one task's conversation, matched by the task id in its first message. */
export function conversation(taskId: string, steps: Step[]): FakeRule[] {
  return steps.map((step, turn) => ({
    name: `${taskId}#${turn}`,
    match: { anyMessage: `(id ${taskId})`, turn },
    reply: step,
  }));
}

/** An agent that makes one edit (a whole-file write or a search/replace) and finishes. */
export function editAndFinish(taskId: string, edit: Edit): FakeRule[] {
  const first =
    'content' in edit
      ? call('write_file', { path: edit.path, content: edit.content })
      : call('edit_file', { path: edit.path, search: edit.search, replace: edit.replace });
  return conversation(taskId, [first, call('finish', { summary: `${taskId}: edited ${edit.path}` })]);
}

export type Edit = { path: string; content: string } | { path: string; search: string; replace: string };

/**
 * A committed fixture repository with a `.maestrorc.json` (worktrees in a temp folder outside it),
 * plus an isolated HOME/XDG so no user config, trust store or data folder leaks in or out.
 */
export async function fixtureRepo(
  files: Record<string, string>,
  config: Record<string, unknown> = {},
): Promise<{ repo: string; worktrees: string; home: string }> {
  const worktrees = await tempDir('maestro-e2e-wt-');
  const home = await tempDir('maestro-e2e-home-');
  // A catalog model that can use tools on Chat Completions (the fake is a custom baseURL: chat).
  const rc = {
    defaultModel: 'gpt-6.1-terra',
    worktreeDir: worktrees,
    agentLimits: { maxTurns: 6 },
    ...config,
  };
  const repo = await tempRepo({ ...files, '.maestrorc.json': `${JSON.stringify(rc, null, 2)}\n` });
  return { repo, worktrees, home };
}

export function isolatedEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    XDG_CONFIG_HOME: `${home}/.config`,
    XDG_DATA_HOME: `${home}/.local/share`,
    XDG_CACHE_HOME: `${home}/.cache`,
  };
}

/** `maestro run ...` in `repo` with the OpenAI SDK pointed at the fake server. */
export function runOnFake(
  fixture: { repo: string; home: string },
  server: FakeServer,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  // The fixture's config is the test's own: trusted, as its author would after reading it.
  return runCli(['--trust-config', ...args], {
    cwd: fixture.repo,
    env: {
      ...isolatedEnv(fixture.home),
      OPENAI_BASE_URL: server.openaiBaseURL,
      OPENAI_API_KEY: 'sk-e2e-fake-key',
      ...env,
    },
  });
}

export interface JsonEvent {
  type: string;
  taskId?: string;
  [key: string]: unknown;
}

/** Every stdout line is one JSON event (throws on a line that is not). */
export function parseEvents(stdout: string): JsonEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JsonEvent);
}

export function eventOf(events: JsonEvent[], type: string): JsonEvent {
  const found = events.find((e) => e.type === type);
  if (!found) throw new Error(`no ${type} event among: ${events.map((e) => e.type).join(', ')}`);
  return found;
}

/** A file on the run's result branch. */
export function showOnBranch(repo: string, branch: string, path: string): string {
  return runGit(repo, ['show', `${branch}:${path}`]);
}
