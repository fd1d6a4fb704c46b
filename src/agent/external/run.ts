import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import envPaths from 'env-paths';
import type { Usage } from '../../llm/types.js';
import { addUsage, emptyUsage } from '../../llm/types.js';
import type { AgentEmit, AgentOutcome } from '../events.js';
import { killGroup } from '../../sandbox/process-group.js';
import { runConfined, type Confiner } from '../../sandbox/run.js';
import { externalAgentHosts, namedPaths } from './access.js';
import { hostOfUrl } from '../../sandbox/policy.js';
import { createClaudeParser } from './claude-stream.js';
import { createCodexParser } from './codex-stream.js';
import { createGeminiParser } from './gemini-stream.js';
import { writeGeminiSettings } from './gemini-settings.js';
import { createLineParser, type StreamParser } from './parsed.js';
import {
  externalCommand,
  type ExternalAgentSetting,
  type ExternalCommand,
  type StreamFormat,
} from './presets.js';
import { missingCredentials } from './credentials.js';
import { readCodexSettings } from './codex-config.js';
import { homeSpec } from './homes.js';
import { privateHome } from './private-home.js';

/** Pause/resume of a running CLI: SIGSTOP / SIGCONT to its whole process group. */
export class ExternalControl {
  private pgid: number | null = null;
  private paused = false;

  attach(pgid: number): void {
    this.pgid = pgid;
    if (this.paused) killGroup(pgid, 'SIGSTOP');
  }

  pause(): void {
    this.paused = true;
    if (this.pgid !== null) killGroup(this.pgid, 'SIGSTOP');
  }

  resume(): void {
    this.paused = false;
    if (this.pgid !== null) killGroup(this.pgid, 'SIGCONT');
  }
}

export interface ExternalAgentOptions {
  setting: ExternalAgentSetting;
  worktree: string;
  runId: string;
  taskId: string;
  prompt: string;
  /** Already scrubbed (`scrubEnv` with the preset's credential variables); the MAESTRO_* variables are added here. */
  env: Record<string, string>;
  /** This agent's endpoint on the run's MCP server (shared memory); null: none. */
  mcpUrl?: string | null;
  /** The validate and allowed commands (claude may run them without asking). */
  commands?: readonly string[];
  /** The task's dollar cap (passed to CLIs that enforce one themselves). */
  taskUsd?: number | null;
  emit: AgentEmit;
  /** The CLI runs confined: its worktree writable, network limited to its API hosts. */
  sandbox: Confiner;
  /** The unscrubbed environment, where the CLI's base URL variables are looked up. Default: `env`. */
  originalEnv?: Record<string, string | undefined>;
  timeoutMs: number;
  graceMs?: number;
  signal?: AbortSignal;
  control?: ExternalControl;
  /** Told the CLI's process group id once it runs. */
  onProcessGroup?: (pgid: number) => void;
  /** Prices usage of a named model (the catalog with the config's `pricing`). */
  priceOf?: (model: string, usage: Usage) => number;
  /** Checked on every usage report; a returned sentence kills the CLI and fails the task. */
  overBudget?: (spent: { usage: Usage; costUsd: number }) => string | null;
}

type PriceOf = (model: string, usage: Usage) => number;

function parserFor(format: StreamFormat, taskId: string, priceOf: PriceOf, codexModel: string): StreamParser {
  switch (format) {
    case 'claude':
      return createClaudeParser(taskId, priceOf);
    case 'codex':
      return createCodexParser(taskId, priceOf, codexModel);
    case 'gemini':
      return createGeminiParser(taskId, priceOf);
    case 'lines':
      return createLineParser(taskId);
  }
}

/**
 * A folder only this user can read, outside the worktree, for the prompt and per-process CLI
 * settings: under maestro's data folder (gemini-cli refuses settings below a world-writable /tmp).
 */
async function privateDir(): Promise<string> {
  const root = join(envPaths('maestro', { suffix: '' }).data, 'agents');
  await mkdir(root, { recursive: true, mode: 0o700 });
  return mkdtemp(join(root, 'agent-'));
}

/**
 * Files and variables a CLI needs for this process only (never the user's own config), and the
 * folders in `dir` it must be able to write inside the sandbox: a private home seeded with copies
 * of the user's login and settings (homes.ts), and gemini's per-process system settings.
 */
async function processSetup(
  command: ExternalCommand,
  dir: string,
  env: Record<string, string>,
  mcpUrl: string | null,
): Promise<{ env: Record<string, string>; writable: string[] }> {
  const spec = homeSpec(command.format, env);
  const home = spec === null ? { env: {}, writable: [] } : await privateHome(dir, spec);
  const gemini = command.format === 'gemini' ? await writeGeminiSettings(dir, env, mcpUrl) : {};
  return { env: { ...home.env, ...gemini }, writable: home.writable };
}

const maxArgBytes = 100_000;

/** Summaries and remembered lines end up in events and commit messages: a few thousand characters at most. */
function clip(text: string): string {
  return text.length > 4_000 ? `${text.slice(0, 4_000)}…` : text;
}

/** Splits a chunked stream into whole lines. */
function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let rest = '';
  return {
    push(chunk) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line.replace(/\r$/, ''));
    },
    flush() {
      if (rest !== '') onLine(rest);
      rest = '';
    },
  };
}

/**
 * Runs an external agent CLI as the task's child process: in the worktree, in its own process
 * group, with a scrubbed environment and the prompt both as an argument and as a file.
 */
export async function runExternalAgent(options: ExternalAgentOptions): Promise<AgentOutcome> {
  const { taskId, emit } = options;
  const promptDir = await privateDir();
  const promptFile = join(promptDir, 'prompt.md');
  await writeFile(promptFile, options.prompt, { mode: 0o600 });
  // One argument may hold at most 128 KiB on Linux; a longer prompt is passed by file only.
  const argPrompt =
    Buffer.byteLength(options.prompt) <= maxArgBytes
      ? options.prompt
      : `Your complete task instructions are in the file ${promptFile}. Read that file first and follow it.`;
  const mcpUrl = options.mcpUrl ?? null;
  const command = externalCommand(options.setting, {
    prompt: argPrompt,
    mcpUrl,
    commands: options.commands ?? [],
    taskUsd: options.taskUsd ?? null,
    confined: options.sandbox.confined,
  });
  const priceOf = options.priceOf ?? (() => 0);
  const codex = command.format === 'codex' ? await readCodexSettings(options.env) : null;
  const parser = parserFor(command.format, taskId, priceOf, codex?.model ?? 'codex');
  const tail: string[] = [];
  const remember = (line: string): void => {
    if (line.trim() === '') return;
    // Last lines become the failure reason or the summary: one huge line must not become a huge event.
    tail.push(clip(line));
    if (tail.length > 20) tail.shift();
  };
  const local = new AbortController();
  const forward = (): void => local.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  options.signal?.addEventListener('abort', forward, { once: true });
  let spent = { usage: emptyUsage(), costUsd: 0 };
  let overBudget: string | null = null;
  const stdout = lineSplitter((line) => {
    remember(line);
    for (const body of parser.line(line)) {
      emit(body);
      if (body.type !== 'agent.usage' || overBudget !== null) continue;
      spent = { usage: addUsage(spent.usage, body.usage), costUsd: spent.costUsd + body.costUsd };
      overBudget = options.overBudget?.(spent) ?? null;
      if (overBudget !== null) local.abort(overBudget);
    }
  });
  const stderr = lineSplitter((line) => {
    remember(line);
    emit({ type: 'agent.text', taskId, text: `${line}\n` });
  });
  try {
    const setup = await processSetup(command, promptDir, options.env, mcpUrl);
    // The CLI's API hosts, and the run's MCP server for shared memory, are all it may reach.
    const mcpHost = mcpUrl === null ? null : hostOfUrl(mcpUrl);
    const configured = codex?.baseUrl ? [codex.baseUrl] : [];
    const hosts = externalAgentHosts(options.setting, options.originalEnv ?? options.env, configured, [
      ...options.sandbox.hosts,
      ...(mcpHost ? [mcpHost] : []),
    ]);
    // The prompt file, and files named by the CLI's own variables (GOOGLE_APPLICATION_CREDENTIALS), stay readable.
    const named = namedPaths(options.setting, options.env);
    const confinement = await options.sandbox.confinement(
      options.worktree,
      { mode: 'hosts', hosts },
      { readable: [promptDir, ...named], writable: setup.writable },
    );
    // The one place an external CLI is started.
    const result = await runConfined(confinement, command.argv[0] ?? '', command.argv.slice(1), {
      cwd: options.worktree,
      env: {
        ...options.env,
        ...setup.env,
        MAESTRO_RUN_ID: options.runId,
        MAESTRO_TASK_ID: taskId,
        MAESTRO_WORKTREE: options.worktree,
        MAESTRO_PROMPT_FILE: promptFile,
      },
      timeoutMs: options.timeoutMs,
      graceMs: options.graceMs,
      signal: local.signal,
      onStart: (pgid) => {
        options.control?.attach(pgid);
        options.onProcessGroup?.(pgid);
      },
      onOutput: (chunk, stream) => (stream === 'stdout' ? stdout : stderr).push(chunk),
    });
    stdout.flush();
    stderr.flush();
    const parsed = parser.result();
    const base = { usage: parsed.usage ?? emptyUsage(), costUsd: parsed.costUsd ?? 0, turns: parsed.turns };
    const lastLines = tail.slice(-5).join('\n');
    const failed = (reason: string): AgentOutcome => ({
      ...base,
      status: 'failed',
      summary: '',
      notes: '',
      reason,
    });
    if (result.spawnError !== undefined) {
      return failed(
        `${command.name} could not be started (${result.spawnError}); install it or choose another agent.`,
      );
    }
    if (result.cancelled && overBudget !== null) return failed(overBudget);
    if (result.cancelled) {
      return {
        ...base,
        status: 'stopped',
        summary: '',
        notes: '',
        reason: String(options.signal?.reason ?? 'stopped'),
      };
    }
    if (result.timedOut) {
      return failed(
        `${command.name} ran past the task timeout (${Math.round(options.timeoutMs / 1000)} s) and was killed.`,
      );
    }
    if (result.exitCode !== 0) {
      const how =
        result.exitCode === null
          ? `was killed by ${result.signal ?? 'a signal'}`
          : `exited with code ${result.exitCode}`;
      // A structured stream's own error message beats its last raw JSON lines.
      const detail = parsed.error ?? lastLines;
      const login = missingCredentials(options.setting, `${detail}\n${tail.join('\n')}`, options.env);
      return failed(login ?? `${command.name} ${how}${detail ? `:\n${detail}` : '.'}`);
    }
    if (parsed.error !== null) {
      const login = missingCredentials(options.setting, parsed.error, options.env);
      return failed(login ?? `${command.name} reported an error: ${parsed.error}`);
    }
    const summary = clip(parsed.summary || tail.at(-1) || `${command.name} finished`);
    emit({ type: 'agent.finished', taskId, summary });
    return { ...base, status: 'finished', summary, notes: '', reason: '' };
  } finally {
    options.signal?.removeEventListener('abort', forward);
    await rm(promptDir, { recursive: true, force: true });
  }
}
