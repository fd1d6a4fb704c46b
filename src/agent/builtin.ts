import { addUsage, emptyUsage } from '../llm/types.js';
import type {
  Message,
  ProviderReplay,
  StopReason,
  SystemSegment,
  ToolCall,
  TurnEvent,
  TurnRequest,
  Usage,
} from '../llm/types.js';
import type { AgentEmit, AgentOutcome } from './events.js';
import { clipArgs, clipForEvent } from './events.js';
import type { ToolHost } from './host/client.js';
import type { PauseGate } from './pause-gate.js';
import { formatFindings, type SharedMemory } from './shared-memory.js';
import type { ToolOutcome } from './tools/context.js';
import { buildToolSpecs, hostToolNames, type ToolArgs } from './tools/schemas.js';
import { checkPluginCall, type PluginToolRef } from './tools/plugin-tools.js';
import { checkToolCall } from './tools/validate.js';

/** Anything that streams a model turn: a Provider, or the orchestrator's limited/budgeted wrapper. */
export interface TurnStreamer {
  stream(request: TurnRequest): AsyncIterable<TurnEvent>;
}

export interface BuiltinAgentOptions {
  taskId: string;
  agentId: string;
  llm: TurnStreamer;
  /** For `agent.usage` events. */
  providerName: string;
  model: string;
  /** The shared, cacheable prefix (`buildSharedPrefix`). */
  system: SystemSegment[];
  /** The task message (`buildTaskMessage`). */
  taskMessage: string;
  tools: Pick<ToolHost, 'call'>;
  allowedCommands: readonly string[];
  /** Tools plugins add; the host was started with them and runs them under the path guard. */
  pluginTools?: readonly PluginToolRef[];
  memory: SharedMemory;
  emit: AgentEmit;
  maxTurns: number;
  /** Price of one turn's usage in USD (0 when unknown). */
  costOf?: (usage: Usage) => number;
  /** Checked after every turn with the totals so far; a returned sentence ends the agent (token/cost cap). */
  overBudget?: (spent: { usage: Usage; costUsd: number }) => string | null;
  signal?: AbortSignal;
  gate?: PauseGate;
  cacheKey?: string;
  maxOutputTokens?: number;
  temperature?: number;
  /** Findings already in the task message; later ones are shown at the next turn. Default: all current. */
  findingsSeen?: number;
}

const nudge =
  'You did not call a tool. Continue the task with the tools, or call finish with a summary if it is complete.';

/** Token deltas become one `agent.text` event per ~100 ms: every event is journaled and rendered. */
class TextBatch {
  private buffer = '';
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly send: (text: string) => void) {}

  push(delta: string): void {
    this.buffer += delta;
    this.timer ??= setTimeout(() => this.flush(), 100);
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer !== '') this.send(this.buffer);
    this.buffer = '';
  }
}

interface TurnOutput {
  text: string;
  calls: ToolCall[];
  usage: Usage;
  stopReason: StopReason;
  replay?: ProviderReplay;
}

/** Stop reasons that end the task: the model will not (or cannot) go on with this conversation. */
const endingStops: Partial<Record<StopReason, string>> = {
  refusal: 'the model refused to continue the task (stop reason: refusal)',
  context_window:
    "the conversation filled the model's context window (stop reason: model_context_window_exceeded)",
};

/**
 * The built-in agent's conversation loop. It runs in the orchestrator process; tools run in the
 * task's host process. Ends on `finish`, the turn limit, the budget, a stop, or a provider error.
 */
export async function runBuiltinAgent(options: BuiltinAgentOptions): Promise<AgentOutcome> {
  const { taskId, emit, signal } = options;
  const tools = [
    ...buildToolSpecs(options.allowedCommands),
    ...(options.pluginTools ?? []).map((t) => t.spec),
  ];
  const available = tools.map((t) => t.name);
  const messages: Message[] = [{ role: 'user', content: options.taskMessage }];
  let seen = options.findingsSeen ?? options.memory.size;
  let usage = emptyUsage();
  let costUsd = 0;
  let turns = 0;
  const warned = new Set<string>();
  const end = (status: AgentOutcome['status'], reason: string, summary = '', notes = ''): AgentOutcome => ({
    status,
    summary,
    notes,
    reason,
    usage,
    costUsd,
    turns,
  });
  const stopped = (): AgentOutcome => end('stopped', String(signal?.reason ?? 'stopped by the user'));

  while (turns < options.maxTurns) {
    await options.gate?.wait(signal);
    if (signal?.aborted) return stopped();
    seen = showNewFindings(messages, options, seen);
    turns++;
    let turn: TurnOutput;
    try {
      turn = await streamTurn(options, { tools, messages }, warned);
    } catch (error) {
      if (signal?.aborted) return stopped();
      return end('failed', `the model request failed: ${(error as Error).message}`);
    }
    usage = addUsage(usage, turn.usage);
    const turnCost = options.costOf?.(turn.usage) ?? 0;
    costUsd += turnCost;
    emit({
      type: 'agent.usage',
      taskId,
      model: options.model,
      provider: options.providerName,
      usage: turn.usage,
      costUsd: turnCost,
    });
    messages.push({
      role: 'assistant',
      content: turn.text,
      ...(turn.calls.length > 0 ? { toolCalls: turn.calls } : {}),
      ...(turn.replay ? { replay: turn.replay } : {}),
    });
    const ending = endingStops[turn.stopReason];
    if (ending) return end('failed', ending);
    // A paused turn is sent back as it is and the model carries on; anything else gets the nudge.
    if (turn.calls.length === 0 && turn.stopReason !== 'pause_turn') {
      messages.push({ role: 'user', content: nudge });
    }

    let finished: ToolArgs<'finish'> | null = null;
    for (const call of turn.calls) {
      if (signal?.aborted) return stopped();
      const outcome: CallOutcome = finished
        ? { ok: false, output: 'not executed: finish was already called in this turn' }
        : await runCall(call, available, options);
      if (outcome.finish) finished = outcome.finish;
      messages.push({
        role: 'tool',
        toolCallId: call.id,
        name: call.name,
        content: outcome.output,
        ...(outcome.ok ? {} : { isError: true }),
      });
    }
    if (finished) {
      emit({ type: 'agent.finished', taskId, summary: finished.summary });
      return end('finished', '', finished.summary, finished.notes ?? '');
    }
    if (signal?.aborted) return stopped();
    const over = options.overBudget?.({ usage, costUsd });
    if (over) return end('failed', over);
  }
  return end('failed', `the agent used all ${options.maxTurns} turns without calling finish`);
}

async function streamTurn(
  options: BuiltinAgentOptions,
  request: Pick<TurnRequest, 'tools' | 'messages'>,
  warned: Set<string>,
): Promise<TurnOutput> {
  let text = '';
  const calls: ToolCall[] = [];
  let usage = emptyUsage();
  let stopReason: StopReason = 'other';
  let replay: ProviderReplay | undefined;
  const turnRequest: TurnRequest = {
    model: options.model,
    system: options.system,
    // A copy: the loop appends after the request is sent, and providers may read lazily.
    messages: [...request.messages],
    tools: request.tools,
    ...(options.maxOutputTokens !== undefined ? { maxOutputTokens: options.maxOutputTokens } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.cacheKey !== undefined ? { cacheKey: options.cacheKey } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };
  const batch = new TextBatch((chunk) =>
    options.emit({ type: 'agent.text', taskId: options.taskId, text: chunk }),
  );
  const thoughts = new TextBatch((chunk) =>
    options.emit({ type: 'agent.text', taskId: options.taskId, text: chunk, kind: 'thinking' }),
  );
  try {
    for await (const event of options.llm.stream(turnRequest)) {
      if (event.type === 'text') {
        thoughts.flush();
        text += event.delta;
        batch.push(event.delta);
      } else if (event.type === 'thinking') thoughts.push(event.delta);
      else if (event.type === 'warning') {
        if (!warned.has(event.message)) {
          warned.add(event.message);
          options.emit({ type: 'agent.text', taskId: options.taskId, text: `warning: ${event.message}\n` });
        }
      } else if (event.type === 'tool_call') {
        batch.flush();
        calls.push(event.call);
      } else {
        usage = event.usage;
        stopReason = event.stopReason;
        replay = event.replay;
      }
    }
  } finally {
    thoughts.flush();
    batch.flush();
  }
  return { text, calls, usage, stopReason, ...(replay ? { replay } : {}) };
}

type CallOutcome = ToolOutcome & { finish?: ToolArgs<'finish'> };

async function runCall(
  call: ToolCall,
  available: string[],
  options: BuiltinAgentOptions,
): Promise<CallOutcome> {
  const { taskId, emit } = options;
  emit({
    type: 'agent.tool_call',
    taskId,
    callId: call.id,
    name: call.name,
    args: clipArgs(call.arguments ?? call.rawArguments),
  });
  const plugin = options.pluginTools?.find((t) => t.spec.name === call.name);
  const checked = plugin ? checkPluginCall(call, plugin.spec) : checkToolCall(call, available);
  let outcome: CallOutcome;
  if (!checked.ok) outcome = { ok: false, output: checked.error };
  else if (plugin || (hostToolNames as readonly string[]).includes(checked.name)) {
    try {
      outcome = await options.tools.call(checked.name, checked.args, options.signal);
    } catch (error) {
      outcome = { ok: false, output: `tool failed: ${(error as Error).message}` };
    }
  } else outcome = runMemoryTool(checked.name, checked.args, options);
  emit({
    type: 'agent.tool_result',
    taskId,
    callId: call.id,
    name: call.name,
    ok: outcome.ok,
    output: clipForEvent(outcome.output),
  });
  if (outcome.changed && outcome.changed.length > 0) {
    emit({ type: 'agent.files_changed', taskId, files: outcome.changed });
  }
  return outcome;
}

function runMemoryTool(
  name: string,
  args: Record<string, unknown>,
  options: BuiltinAgentOptions,
): CallOutcome {
  if (name === 'finish') {
    const finish = args as ToolArgs<'finish'>;
    return { ok: true, output: 'finished', finish };
  }
  if (name === 'publish_finding') {
    const input = args as ToolArgs<'publish_finding'>;
    const finding = options.memory.publish({ taskId: options.taskId, agentId: options.agentId, ...input });
    options.emit({
      type: 'finding.published',
      taskId: finding.taskId,
      agentId: finding.agentId,
      text: finding.text,
      files: finding.files,
      tags: finding.tags,
    });
    return { ok: true, output: `published finding #${finding.seq}` };
  }
  const all = options.memory.all();
  return { ok: true, output: all.length > 0 ? formatFindings(all) : '(no findings yet)' };
}

/** Findings other agents published since the last turn, appended where the model reads next. */
function showNewFindings(messages: Message[], options: BuiltinAgentOptions, seen: number): number {
  const fresh = options.memory.since(seen).filter((f) => f.taskId !== options.taskId);
  const size = options.memory.size;
  if (fresh.length === 0) return size;
  const note = `\n\n[New findings from other agents]\n${formatFindings(fresh)}`;
  const last = messages.at(-1);
  // Appending to the last message keeps roles alternating for every provider.
  if (last && last.role !== 'assistant')
    messages[messages.length - 1] = { ...last, content: last.content + note };
  return size;
}
