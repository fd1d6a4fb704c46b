import { describe, expect, it } from 'vitest';
import { runJob } from '../../src/orchestrator/run-job.js';
import { tasksIn } from '../../src/orchestrator/run-state.js';
import { planSchema } from '../../src/orchestrator/plan.js';
import { formatSummary } from '../../src/cli/reporters/summary.js';
import { tempRepo, runGit } from '../helpers/repo.js';
import { runCli } from '../helpers/cli.js';
import { commonDirOf, e2eConfig, fakeServer, realExecutor, taskRules } from './e2e-helpers.js';

const base = 'export function one() {\n  return 1;\n}\n';
const withTwo = `${base}\nexport function two() {\n  return 2;\n}\n`;
const withThree = `${base}\nexport function three() {\n  return 3;\n}\n`;
const write = (content: string) => ({ name: 'write_file', arguments: { path: 'src/math.js', content } });
const task = (id: string) => ({ id, title: `Task ${id}`, instructions: `Do ${id}.`, files: ['src/math.js'] });
const notes = (line: string) => ({
  name: 'write_file',
  arguments: { path: 'NOTES.txt', content: `${line}\n` },
});

/** Each task's first turn: its function in src/math.js and, with `clash`, its own first line of NOTES.txt. */
const rules = (clash: boolean) => [
  ...taskRules('two', [write(withTwo), ...(clash ? [notes('two was here')] : [])]),
  ...taskRules('three', [write(withThree), ...(clash ? [notes('three was here')] : [])], { latencyMs: 600 }),
];

async function runBoth(structured: boolean, clash = false) {
  const repo = await tempRepo({ 'src/math.js': base, 'NOTES.txt': 'nobody yet\n' });
  const server = await fakeServer({
    tokenLatencyMs: 0,
    rules: rules(clash),
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
    confinement: 'sandboxed',
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

  it('resolve --list names the file it settles apart from the one still in conflict', async () => {
    const { repo, state } = await runBoth(true, true);
    const [conflicted] = tasksIn(state, 'conflicted');
    expect(state.tasks[conflicted ?? '']?.structured).toEqual(['src/math.js']);
    const json = await runCli(['resolve', '--list', '--json'], { cwd: repo });
    expect(json.exitCode).toBe(0);
    const [pending] = JSON.parse(json.stdout) as { files: { path: string }[]; structured: string[] }[];
    expect(pending?.files.map((file) => file.path)).toEqual(['NOTES.txt']);
    expect(pending?.structured).toEqual(['src/math.js']);
    const text = await runCli(['resolve', '--list'], { cwd: repo });
    expect(text.stdout).toContain('NOTES.txt  content, 1 hunk(s)');
    expect(text.stdout).toContain('src/math.js  merged by structure (review can undo it)');
  });
});
