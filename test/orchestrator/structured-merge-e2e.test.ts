import { describe, expect, it } from 'vitest';
import { runJob } from '../../src/orchestrator/run-job.js';
import { tasksIn } from '../../src/orchestrator/run-state.js';
import { planSchema } from '../../src/orchestrator/plan.js';
import { formatSummary } from '../../src/cli/reporters/summary.js';
import { tempRepo, runGit } from '../helpers/repo.js';
import { commonDirOf, e2eConfig, fakeServer, realExecutor, taskRules } from './e2e-helpers.js';

const base = 'export function one() {\n  return 1;\n}\n';
const withTwo = `${base}\nexport function two() {\n  return 2;\n}\n`;
const withThree = `${base}\nexport function three() {\n  return 3;\n}\n`;
const write = (content: string) => ({ name: 'write_file', arguments: { path: 'src/math.js', content } });
const task = (id: string) => ({ id, title: `Task ${id}`, instructions: `Do ${id}.`, files: ['src/math.js'] });

async function runBoth(structured: boolean) {
  const repo = await tempRepo({ 'src/math.js': base });
  const server = await fakeServer({
    tokenLatencyMs: 0,
    rules: [...taskRules('two', write(withTwo)), ...taskRules('three', write(withThree), { latencyMs: 600 })],
    fallback: { text: 'unexpected' },
  });
  const config = await e2eConfig({ merge: { structured } });
  const { run, state } = await runJob({
    repo,
    commonDir: await commonDirOf(repo),
    plan: planSchema.parse({ objective: 'math', tasks: [task('two'), task('three')] }),
    planSource: 'file',
    baseRef: 'main',
    maxAgents: 2,
    model: 'gpt-4o',
    provider: 'openai',
    budget: { runUsd: null, taskUsd: null },
    executor: realExecutor(repo, config, server),
  });
  return { repo, run, state };
}

describe('the structured merge in a run', () => {
  it('lands two agents that appended different functions to one file, and says so', async () => {
    const { repo, run, state } = await runBoth(true);
    expect(state.outcome).toBe('merged');
    expect(tasksIn(state, 'merged').sort()).toEqual(['three', 'two']);
    // Whichever merged second was settled by structure, its function after the first one's (ours first).
    const merged = run.journal.history().flatMap((event) => (event.type === 'task.merged' ? [event] : []));
    const [first, second] = merged.map((event) => event.taskId);
    expect(merged.map((event) => event.structured)).toEqual([undefined, ['src/math.js']]);
    const fn = (name: string, value: number) => `\nexport function ${name}() {\n  return ${value};\n}\n`;
    const value = { two: 2, three: 3 } as Record<string, number>;
    const expected = `${base}${fn(first ?? '', value[first ?? ''] ?? 0)}${fn(second ?? '', value[second ?? ''] ?? 0)}`;
    expect(runGit(repo, ['show', `${run.resultBranch}:src/math.js`])).toBe(expected.trimEnd());
    expect(formatSummary(state)).toContain(`merged by structure: src/math.js (${second})`);
  });

  it('with merge.structured false, the same run sends the file to review', async () => {
    const { state } = await runBoth(false);
    const [conflicted] = tasksIn(state, 'conflicted');
    expect(tasksIn(state, 'merged')).toHaveLength(1);
    expect(state.tasks[conflicted ?? '']?.conflict?.files).toEqual([
      { path: 'src/math.js', kind: 'content', hunks: 1 },
    ]);
    expect(state.tasks[conflicted ?? '']?.structured).toEqual([]);
  });
});
