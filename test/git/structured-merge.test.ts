import { describe, expect, it } from 'vitest';
import { mergeTrees } from '../../src/git/merge.js';
import { StructuredMerger } from '../../src/git/structured/structured-merge.js';
import { settleByStructure } from '../../src/git/structured-tree.js';
import {
  applyFileAction,
  createSession,
  currentHunks,
  fileStatus,
} from '../../src/git/resolution-session.js';
import { tempRepo, runGit } from '../helpers/repo.js';
import { commitOnBranch } from './commits.js';

const app = 'export function one() {\n  return 1;\n}\n';
const fn = (name: string) => `\nexport function ${name}() {\n  return '${name}';\n}\n`;

/** Ours and theirs both append a function to app.js; with `clash`, both also change conf.txt's one line. */
async function branches(clash: boolean) {
  const repo = await tempRepo({ 'src/app.js': app, 'conf.txt': 'port 1\n' });
  const base = runGit(repo, ['rev-parse', 'HEAD']);
  const ours = await commitOnBranch(repo, 'ours', base, {
    'src/app.js': app + fn('two'),
    ...(clash && { 'conf.txt': 'port 2\n' }),
  });
  const theirs = await commitOnBranch(repo, 'theirs', base, {
    'src/app.js': app + fn('three'),
    ...(clash && { 'conf.txt': 'port 3\n' }),
  });
  return { repo, ours, theirs };
}

describe('structured merge on git trees', () => {
  it('settles what git conflicted on, writes it into the merged tree, and names the file', async () => {
    const { repo, ours, theirs } = await branches(false);
    expect((await mergeTrees(repo, ours, theirs)).clean).toBe(false);
    const merged = await mergeTrees(repo, ours, theirs, new StructuredMerger());
    expect(merged).toMatchObject({ clean: true, conflicts: [], structured: ['src/app.js'] });
    expect(runGit(repo, ['cat-file', 'blob', `${merged.tree}:src/app.js`])).toBe(
      (app + fn('two') + fn('three')).trimEnd(),
    );
    expect(runGit(repo, ['cat-file', 'blob', `${merged.tree}:conf.txt`])).toBe('port 1');
  });

  it('keeps a true conflict beside it as git reported it', async () => {
    const { repo, ours, theirs } = await branches(true);
    const plain = await mergeTrees(repo, ours, theirs);
    const merged = await mergeTrees(repo, ours, theirs, new StructuredMerger());
    expect(merged.clean).toBe(false);
    expect(merged.structured).toEqual(['src/app.js']);
    expect(merged.conflicts.map((file) => file.path)).toEqual(['conf.txt']);
    expect(merged.conflicts[0]?.hunks).toEqual(plain.conflicts.find((f) => f.path === 'conf.txt')?.hunks);
  });

  it('lists a settled file in review as resolved, and one undo brings back git’s conflict', async () => {
    const { repo, ours, theirs } = await branches(true);
    const merge = await mergeTrees(repo, ours, theirs);
    const { settled } = await settleByStructure(repo, merge, new StructuredMerger());
    const session = createSession({
      runId: 'r',
      taskId: 't',
      labels: { ours: 'result', theirs: 'task' },
      resultCommit: ours,
      taskCommit: theirs,
      mergeTree: merge.tree,
      files: merge.conflicts,
      sideTexts: {},
      settled,
    });
    const index = session.files.findIndex((file) => file.path === 'src/app.js');
    const file = session.files[index];
    expect(file).toMatchObject({ structured: true });
    expect(fileStatus(file!)).toBe('resolved');
    expect(session.picks).toEqual([{ path: 'src/app.js', hunk: -1, pick: 'structured' }]);
    const undone = applyFileAction(session, index, { kind: 'undo' });
    if (!undone.ok) throw new Error(undone.message);
    expect(currentHunks(undone.session.files[index]!)).toHaveLength(1);
    expect(fileStatus(undone.session.files[index]!)).toBe('unresolved');
  });
});
