import picomatch from 'picomatch';
import { git } from '../git/runner.js';
import { searchPlaces } from '../config/load.js';

/**
 * Files whose change decides what runs next time: maestro's own config (read by the next run),
 * CI definitions (run with the repository's secrets) and git hook managers (run on every commit).
 * A model can write them like any file, so a result branch that touches them is pointed out.
 */
const SENSITIVE_GLOBS = [
  ...searchPlaces.filter((place) => place !== 'package.json'),
  '.worktreeinclude',
  '.github/workflows/**',
  '.github/actions/**',
  '.gitlab-ci.yml',
  '.gitlab/**',
  '.circleci/**',
  'azure-pipelines.yml',
  '.azure-pipelines/**',
  'Jenkinsfile',
  '.travis.yml',
  'bitbucket-pipelines.yml',
  '.buildkite/**',
  '.drone.yml',
  '.woodpecker.yml',
  '.woodpecker/**',
  'appveyor.yml',
  '.ci/**',
  '.husky/**',
  '.githooks/**',
  '.git-hooks/**',
  'lefthook.yml',
  '.lefthook.yml',
  'lefthook-local.yml',
  '.pre-commit-config.yaml',
  '.gitmodules',
  '.envrc',
];

const isSensitive = picomatch(SENSITIVE_GLOBS, { dot: true });

/** The sensitive files `branch` changes against `base` (package.json only when its "maestro" key changed). */
export async function sensitiveChanges(repo: string, base: string, branch: string): Promise<string[]> {
  const diff = await git(['diff', '--name-only', '-z', '--no-renames', `${base}...${branch}`], {
    cwd: repo,
    okExitCodes: [128],
  });
  if (diff.exitCode !== 0) return [];
  const paths = diff.stdout.split('\0').filter((path) => path !== '');
  const flagged = paths.filter((path) => isSensitive(path));
  if (paths.includes('package.json') && (await maestroKeyChanged(repo, base, branch)))
    flagged.push('package.json');
  return flagged.sort();
}

async function maestroKeyChanged(repo: string, base: string, branch: string): Promise<boolean> {
  const read = async (rev: string): Promise<string> => {
    const shown = await git(['show', `${rev}:package.json`], { cwd: repo, okExitCodes: [128] });
    try {
      return JSON.stringify((JSON.parse(shown.stdout) as { maestro?: unknown }).maestro ?? null);
    } catch {
      return 'unparsable';
    }
  };
  return (await read(base)) !== (await read(branch));
}

/** The warning line for the summary and the pull request body. */
export function describeSensitive(branch: string, paths: readonly string[]): string {
  return `check first: ${branch} changes maestro config, CI or git hooks (${paths.join(', ')}); they run code or read secrets once checked out or pushed`;
}
