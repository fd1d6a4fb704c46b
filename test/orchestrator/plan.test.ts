import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validatePlan, topologicalOrder, assertValidPlan } from '../../src/orchestrator/plan-validate.js';
import { predictOverlaps, serializeOverlaps } from '../../src/orchestrator/plan-overlap.js';
import { fanOutEach, taskIdFromPath, planForFiles } from '../../src/orchestrator/plan-each.js';
import { loadPlanFile } from '../../src/orchestrator/plan-file.js';
import { formatPlanTree } from '../../src/orchestrator/plan-tree.js';
import type { Plan } from '../../src/orchestrator/plan.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import { tempDir, tempRepo } from '../helpers/repo.js';

const task = (id: string, dependsOn: string[] = [], files: string[] = []) => ({
  id,
  title: `Task ${id}`,
  instructions: `do ${id}`,
  files,
  dependsOn,
});

describe('validatePlan', () => {
  const rejections: [string, unknown, string][] = [
    ['no tasks', { tasks: [] }, 'a plan needs at least one task'],
    ['duplicate ids', { tasks: [task('a'), task('b'), task('a')] }, "duplicate task id 'a' (tasks 1 and 3)"],
    ['unknown dependency', { tasks: [task('a', ['zzz'])] }, "task 'a' depends on unknown task 'zzz'"],
    ['self dependency', { tasks: [task('a', ['a'])] }, "task 'a' depends on itself"],
    [
      'cycle',
      { tasks: [task('x'), task('a', ['b']), task('b', ['c']), task('c', ['a'])] },
      'dependency cycle: a -> b -> c -> a',
    ],
    [
      'empty instructions',
      { tasks: [{ ...task('a'), instructions: '   ' }] },
      "task 'a' instructions: instructions must not be empty",
    ],
    ['bad id', { tasks: [task('Bad Id')] }, "task 'Bad Id' id: task ids are lowercase"],
  ];
  it.each(rejections)('rejects %s', (_name, input, message) => {
    const check = validatePlan(input);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.issues.map((issue) => issue.message).join('\n')).toContain(message);
  });

  it('accepts a valid plan and fills defaults', () => {
    const check = validatePlan({ tasks: [{ id: 'a', title: 'A', instructions: 'do' }] });
    expect(check).toEqual({
      ok: true,
      plan: { objective: '', tasks: [{ id: 'a', title: 'A', instructions: 'do', files: [], dependsOn: [] }] },
    });
  });

  it('throws a PlanValidationError carrying the plan text', () => {
    expect(() => assertValidPlan({ tasks: [task('a', ['b'])] }, 'TEXT')).toThrow(
      expect.objectContaining({ planText: 'TEXT', message: expect.stringContaining("unknown task 'b'") }),
    );
  });
});

describe('topologicalOrder', () => {
  it('puts dependencies first and keeps plan order among ready tasks', () => {
    const plan: Plan = { objective: '', tasks: [task('c', ['b']), task('a'), task('b', ['a']), task('d')] };
    expect(topologicalOrder(plan).map((t) => t.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('overlap prediction', () => {
  const tracked = ['src/a.ts', 'src/b.ts', 'src/util/x.ts', 'README.md'];
  it('reports independent tasks touching the same tracked files', () => {
    const plan: Plan = {
      objective: '',
      tasks: [
        task('one', [], ['src/**']),
        task('two', [], ['src/util/*.ts']),
        task('three', [], ['README.md']),
      ],
    };
    expect(predictOverlaps(plan, tracked)).toEqual([{ a: 'one', b: 'two', files: ['src/util/x.ts'] }]);
  });
  it('ignores pairs that depend on each other transitively', () => {
    const plan: Plan = {
      objective: '',
      tasks: [task('one', [], ['src/a.ts']), task('mid', ['one']), task('two', ['mid'], ['src/a.ts'])],
    };
    expect(predictOverlaps(plan, tracked)).toEqual([]);
  });
  it('compares new-file globs with each other', () => {
    const plan: Plan = {
      objective: '',
      tasks: [task('one', [], ['src/new/*.ts']), task('two', [], ['src/new/file.ts'])],
    };
    expect(predictOverlaps(plan, tracked)).toEqual([{ a: 'one', b: 'two', files: ['src/new/file.ts'] }]);
  });
  it('serializes overlaps: the later task depends on the earlier', () => {
    const plan: Plan = {
      objective: '',
      tasks: [task('one', [], ['src/a.ts']), task('two', [], ['src/a.ts']), task('three', [], ['src/a.ts'])],
    };
    const serialized = serializeOverlaps(plan, predictOverlaps(plan, tracked));
    expect(serialized.tasks.map((t) => t.dependsOn)).toEqual([[], ['one'], ['one', 'two']]);
    expect(validatePlan(serialized).ok).toBe(true);
    expect(predictOverlaps(serialized, tracked)).toEqual([]);
  });
});

describe('--each fan-out', () => {
  it('makes one task per matching tracked file, excludePaths honoured, ids ref-safe and unique', async () => {
    const repo = await tempRepo({
      'src/A.ts': 'a',
      'src/a.ts': 'a',
      'src/b c.ts': 'b',
      'src/vendor/v.ts': 'v',
      'src/readme.md': 'r',
    });
    await writeFile(join(repo, 'src/untracked.ts'), 'u');
    const plan = await fanOutEach(repo, {
      glob: 'src/**/*.ts',
      objective: 'Add types',
      excludePaths: ['src/vendor/**'],
    });
    expect(plan.tasks.map((t) => [t.id, t.files])).toEqual([
      ['src-a-ts', ['src/A.ts']],
      ['src-a-ts-2', ['src/a.ts']],
      ['src-b-c-ts', ['src/b c.ts']],
    ]);
    expect(plan.tasks[0]?.instructions).toContain('Add types');
    expect(plan.tasks[0]?.instructions).toContain('`src/A.ts`');
    expect(validatePlan(plan).ok).toBe(true);
  });
  it('fails with a usage error when nothing matches', async () => {
    const repo = await tempRepo();
    await expect(fanOutEach(repo, { glob: '*.py', objective: 'x', excludePaths: [] })).rejects.toThrow(
      UsageError,
    );
  });
  it('derives bounded ids from long paths', () => {
    const long = `${'deep/'.repeat(30)}file.ts`;
    const id = taskIdFromPath(long);
    expect(id.length).toBeLessThanOrEqual(63);
    expect(validatePlan(planForFiles([long, long.toUpperCase()], 'x')).ok).toBe(true);
  });
});

describe('loadPlanFile', () => {
  it('loads YAML and JSON', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'p.yaml'),
      'objective: o\ntasks:\n  - id: a\n    title: A\n    instructions: do\n',
    );
    await writeFile(join(dir, 'p.json'), JSON.stringify({ tasks: [task('a')] }));
    expect((await loadPlanFile(join(dir, 'p.yaml'))).tasks[0]?.id).toBe('a');
    expect((await loadPlanFile(join(dir, 'p.json'))).tasks[0]?.dependsOn).toEqual([]);
  });
  it('points at file:line:column for syntax and semantic errors', async () => {
    const dir = await tempDir();
    const yaml = join(dir, 'p.yaml');
    await writeFile(yaml, 'tasks:\n  - id: a\n    title: A\n    instructions: do\n    dependsOn: [b]\n');
    await expect(loadPlanFile(yaml)).rejects.toThrow(`${yaml}:5:17: task 'a' depends on unknown task 'b'`);
    const json = join(dir, 'p.json');
    await writeFile(json, '{"tasks": [\n  {"id": "a", "title": "A", "instructions": "do",}\n');
    await expect(loadPlanFile(json)).rejects.toThrow(
      `${json}:2:50: invalid JSON: expected a "quoted" key, found "}"`,
    );
    await expect(loadPlanFile(join(dir, 'missing.yaml'))).rejects.toThrow(ConfigError);
  });
});

describe('formatPlanTree', () => {
  it('draws dependents under their last dependency', () => {
    const plan: Plan = {
      objective: 'Obj',
      tasks: [task('a'), task('b'), task('c', ['a', 'b']), task('d', ['a'])],
    };
    expect(formatPlanTree(plan)).toBe(
      [
        'Obj (4 tasks)',
        '├─ a: Task a',
        '│  └─ d: Task d',
        '└─ b: Task b',
        '   └─ c: Task c  (also after a)',
      ].join('\n'),
    );
  });
});

describe('loadPlanFile YAML syntax', () => {
  it('reports the line of a YAML syntax error', async () => {
    const dir = await tempDir();
    const yaml = join(dir, 'p.yaml');
    await writeFile(yaml, 'tasks:\n  - id: a\n  title: [unclosed\n');
    await expect(loadPlanFile(yaml)).rejects.toThrow(
      new RegExp(`^${yaml}:\\d+:\\d+: not valid JSON or YAML`),
    );
  });
});
