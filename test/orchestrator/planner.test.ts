import { describe, expect, it } from 'vitest';
import { planWithModel } from '../../src/orchestrator/planner.js';
import { PlanValidationError } from '../../src/orchestrator/plan-validate.js';
import type { Provider, TurnEvent, TurnRequest } from '../../src/llm/types.js';

/** A Provider that answers each turn with the next scripted plan and records the requests. */
function scripted(answers: unknown[]): Provider & { requests: TurnRequest[] } {
  const requests: TurnRequest[] = [];
  return {
    name: 'openai',
    requests,
    async *stream(request: TurnRequest): AsyncIterable<TurnEvent> {
      requests.push(structuredClone({ ...request, signal: undefined }));
      const answer = answers[requests.length - 1];
      await Promise.resolve();
      if (typeof answer === 'string') yield { type: 'text', delta: answer };
      else {
        const raw = JSON.stringify(answer);
        yield {
          type: 'tool_call',
          call: { id: `c${requests.length}`, name: 'submit_plan', arguments: answer, rawArguments: raw },
        };
      }
      yield {
        type: 'done',
        stopReason: 'tool_use',
        usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5 },
      };
    },
  };
}

const input = {
  objective: 'Add logging',
  model: 'm',
  repoOverview: 'src/a.ts\nsrc/b.ts',
  codingStandards: 'Use tabs.',
  excludePaths: ['dist/**'],
  maxAgents: 4,
};
const good = { tasks: [{ id: 'a', title: 'A', instructions: 'do a', files: ['src/a.ts'], dependsOn: [] }] };

describe('planWithModel', () => {
  it('returns the submitted plan with the objective and usage', async () => {
    const provider = scripted([good]);
    const result = await planWithModel(provider, input);
    expect(result.plan.objective).toBe('Add logging');
    expect(result.plan.tasks[0]?.id).toBe('a');
    expect(result.rounds).toBe(1);
    expect(result.usage.inputTokens).toBe(10);
    const system = provider.requests[0]?.system.map((s) => s.text).join('\n') ?? '';
    expect(system).toContain('Use tabs.');
    expect(system).toContain('src/a.ts');
    expect(system).toContain('dist/**');
    expect(provider.requests[0]?.tools?.[0]?.name).toBe('submit_plan');
  });

  it('sends an invalid plan back once with the errors, then accepts the fix', async () => {
    const bad = { tasks: [{ ...good.tasks[0], dependsOn: ['ghost'] }] };
    const provider = scripted([bad, good]);
    const result = await planWithModel(provider, input);
    expect(result.rounds).toBe(2);
    const feedback = provider.requests[1]?.messages.at(-1);
    expect(feedback).toMatchObject({ role: 'tool', isError: true, toolCallId: 'c1' });
    expect(JSON.stringify(feedback)).toContain("unknown task 'ghost'");
  });

  it('fails after the second invalid answer, carrying the plan text', async () => {
    const bad = { tasks: [{ ...good.tasks[0], instructions: '' }] };
    const error = await planWithModel(scripted([bad, bad]), input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanValidationError);
    expect((error as PlanValidationError).planText).toBe(JSON.stringify(bad));
    expect((error as Error).message).toContain('instructions must not be empty');
  });

  it('asks again when the model answers with text instead of the tool', async () => {
    const provider = scripted(['here is my plan', good]);
    expect((await planWithModel(provider, input)).rounds).toBe(2);
    expect(provider.requests[1]?.messages.at(-1)).toMatchObject({ role: 'user' });
  });
});
