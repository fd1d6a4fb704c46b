import { StructuredMerger } from '../../src/git/structured/structured-merge.js';
import { gitMerge, judge, loadCorpus, maestroMerge, type Outcome } from './corpus.js';

/**
 * bench/merge-corpus: every case in ./cases merged by git's line merge and by maestro's (git,
 * then the structured merge where git conflicts). Run: npx tsx bench/merge-corpus/run.ts [-v]
 */
const verbose = process.argv.includes('-v');
const corpus = loadCorpus();
const merger = new StructuredMerger();
const tally = (): Record<Outcome, number> => ({ 'clean-correct': 0, conflict: 0, wrong: 0 });
const git = tally();
const maestro = tally();
let falseConflicts = 0;
let resolved = 0;
let trueStillReviewed = 0;
let trueConflicts = 0;
const started = performance.now();
for (const item of corpus) {
  const byGit = judge(item, gitMerge(item));
  const byMaestro = judge(item, await maestroMerge(merger, item));
  git[byGit] += 1;
  maestro[byMaestro] += 1;
  if (item.expected === null) {
    trueConflicts += 1;
    if (byMaestro === 'conflict') trueStillReviewed += 1;
  } else if (byGit === 'conflict') {
    falseConflicts += 1;
    if (byMaestro === 'clean-correct') resolved += 1;
  }
  if (verbose || byMaestro === 'wrong')
    console.log(`${item.name.padEnd(36)} git: ${byGit.padEnd(13)} maestro: ${byMaestro}`);
}
const ms = performance.now() - started;
console.log(`\n${corpus.length} cases (${trueConflicts} true conflicts), ${ms.toFixed(0)} ms in all`);
console.log('| | sent to review | clean and right | wrong merges |');
console.log('| --- | --- | --- | --- |');
for (const [name, counts] of [
  ['git', git],
  ['maestro', maestro],
] as const)
  console.log(`| ${name} | ${counts.conflict} | ${counts['clean-correct']} | ${counts.wrong} |`);
console.log(
  `git's false conflicts: ${falseConflicts}; resolved by maestro: ${resolved} (${((100 * resolved) / Math.max(1, falseConflicts)).toFixed(0)}%); true conflicts still sent to review: ${trueStillReviewed}/${trueConflicts}`,
);
if (maestro.wrong > 0 || trueStillReviewed < trueConflicts || resolved * 2 < falseConflicts) process.exit(1);
