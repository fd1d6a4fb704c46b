import type { Plan } from './plan.js';
import { validatePlan, PlanValidationError, type PlanIssue } from './plan-validate.js';
import { emptyUsage, addUsage } from '../llm/types.js';
import type {
  Message,
  SystemSegment,
  ToolCall,
  ToolSpec,
  TurnEvent,
  TurnRequest,
  Usage,
} from '../llm/types.js';
import { MaestroError } from '../errors.js';

export interface PlannerInput {
  objective: string;
  model: string;
  /** A short map of the repository (tree, key files) the model plans against. */
  repoOverview: string;
  codingStandards: string | null;
  excludePaths: readonly string[];
  /** Upper bound the planner is told about; more tasks than agents is fine. */
  maxAgents: number;
  /** Extra guidance from a task template. */
  guidance?: string;
  cacheKey?: string;
  signal?: AbortSignal;
}

/**
 * Anything that streams a model turn: a Provider, or the LLM service (limiter, retries, pricing)
 * adapted with `{ stream: (r) => llm.stream(r, { taskId: 'planner' }) }`.
 */
export interface PlannerModel {
  stream(request: TurnRequest): AsyncIterable<TurnEvent | PlannerRetryEvent>;
}

/** The LLM service restarts a turn after a transient failure: text so far may have to be dropped. */
export interface PlannerRetryEvent {
  type: 'retry';
  discardText: boolean;
}

export interface PlannerResult {
  plan: Plan;
  usage: Usage;
  /** Priced by the LLM service when it reports it; 0 for a bare Provider. */
  costUsd: number;
  /** 1 when the first answer was valid, 2 when it needed the one correction round. */
  rounds: number;
}

export const submitPlanTool: ToolSpec = {
  name: 'submit_plan',
  description: 'Submit the plan: the subtasks that together achieve the objective, with their dependencies.',
  parameters: {
    type: 'object',
    additionalProperties: false,
    required: ['tasks'],
    properties: {
      objective: { type: 'string', description: 'The objective, restated in one sentence.' },
      tasks: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'title', 'instructions', 'files', 'dependsOn'],
          properties: {
            id: {
              type: 'string',
              pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
              description: 'Short id: lowercase letters, digits, dashes.',
            },
            title: { type: 'string', description: 'One line saying what the task does.' },
            instructions: { type: 'string', description: 'Everything an engineer needs to do it alone.' },
            files: {
              type: 'array',
              items: { type: 'string' },
              description: 'Globs of the files the task expects to create or change.',
            },
            dependsOn: {
              type: 'array',
              items: { type: 'string' },
              description: 'Ids of tasks whose result this task needs to see first.',
            },
          },
        },
      },
    },
  },
};

/** Ask the model for a plan through `submit_plan`; an invalid plan is sent back once with the errors. */
export async function planWithModel(provider: PlannerModel, input: PlannerInput): Promise<PlannerResult> {
  const system = plannerSystem(input);
  const messages: Message[] = [{ role: 'user', content: `Objective:\n${input.objective}` }];
  let usage = emptyUsage();
  let costUsd = 0;
  let lastText: string;
  for (let round = 1; round <= 2; round += 1) {
    const turn = await collectTurn(provider, {
      model: input.model,
      system,
      messages,
      tools: [submitPlanTool],
      cacheKey: input.cacheKey,
      signal: input.signal,
    });
    usage = addUsage(usage, turn.usage);
    costUsd += turn.costUsd;
    const call = turn.toolCalls.find((candidate) => candidate.name === submitPlanTool.name);
    lastText = call?.rawArguments ?? turn.text;
    const issues = call ? checkCall(call, input.objective) : undefined;
    if (call && issues && issues.ok) return { plan: issues.plan, usage, costUsd, rounds: round };
    const problems = !call
      ? 'You did not call submit_plan. Call it exactly once with the plan.'
      : `The plan is invalid:\n${(issues && !issues.ok ? issues.issues : []).map((i) => `- ${i.message}`).join('\n')}\nFix these and call submit_plan again.`;
    messages.push({ role: 'assistant', content: turn.text, toolCalls: turn.toolCalls });
    if (call) {
      for (const other of turn.toolCalls) {
        messages.push({
          role: 'tool',
          toolCallId: other.id,
          name: other.name,
          content: other.id === call.id ? problems : 'Ignored: only submit_plan is available.',
          isError: true,
        });
      }
    } else {
      messages.push({ role: 'user', content: problems });
    }
    if (round === 2) {
      const list = issues && !issues.ok ? issues.issues : [{ path: [], message: 'no submit_plan call' }];
      throw new PlanValidationError(
        `The model returned an invalid plan twice (${list.map((i) => i.message).join('; ')}); the plan it sent is printed above; edit it into a file and pass it with --plan.`,
        list,
        lastText,
      );
    }
  }
  throw new MaestroError('unreachable: planner loop ended');
}

type CallCheck = { ok: true; plan: Plan } | { ok: false; issues: PlanIssue[] };

function checkCall(call: ToolCall, objective: string): CallCheck {
  if (call.arguments === undefined) {
    return {
      ok: false,
      issues: [{ path: [], message: `arguments are not valid JSON (${call.parseError ?? 'parse error'})` }],
    };
  }
  const raw = call.arguments as Record<string, unknown>;
  const withObjective =
    typeof raw === 'object' && raw !== null && !raw.objective ? { ...raw, objective } : raw;
  return validatePlan(withObjective);
}

interface CollectedTurn {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  costUsd: number;
}

async function collectTurn(provider: PlannerModel, request: TurnRequest): Promise<CollectedTurn> {
  let text = '';
  let toolCalls: ToolCall[] = [];
  let usage = emptyUsage();
  let costUsd = 0;
  for await (const event of provider.stream(request)) {
    if (event.type === 'text') text += event.delta;
    else if (event.type === 'tool_call') toolCalls.push(event.call);
    else if (event.type === 'retry') {
      if (event.discardText) text = '';
      toolCalls = [];
    } else if (event.type === 'done') {
      usage = event.usage;
      const priced = (event as { costUsd?: unknown }).costUsd;
      if (typeof priced === 'number') costUsd = priced;
    }
  }
  return { text, toolCalls, usage, costUsd };
}

function plannerSystem(input: PlannerInput): SystemSegment[] {
  const rules = [
    'You are the planner of maestro, which runs several coding agents in parallel on one git repository.',
    'Split the objective into subtasks. Each runs in its own worktree; independent tasks run at the same time.',
    `Prefer tasks that touch different files so they merge cleanly; up to ${input.maxAgents} run at once.`,
    "Make a task depend on another only when it needs to see that task's changes.",
    'List in `files` the globs each task expects to touch. Never plan changes under the excluded paths.',
    'Answer by calling submit_plan exactly once.',
  ];
  const segments: SystemSegment[] = [{ text: rules.join('\n'), cache: true }];
  if (input.codingStandards)
    segments.push({ text: `Coding standards:\n${input.codingStandards}`, cache: true });
  segments.push({ text: `Repository overview:\n${input.repoOverview}`, cache: true });
  const tail = [
    `Excluded paths: ${input.excludePaths.length > 0 ? input.excludePaths.join(', ') : '(none)'}`,
  ];
  if (input.guidance) tail.push(`Template guidance:\n${input.guidance}`);
  segments.push({ text: tail.join('\n') });
  return segments;
}
