import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { gitVersion, minimumGit, versionAtLeast } from '../../git/repo.js';
import { findOnPath, probeSandbox, type SandboxProbe } from '../../sandbox/probe.js';

/** One prerequisite: fine, or what is wrong and how to fix it. `required` ones fail the check. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  required: boolean;
  fix?: string;
}

export interface DoctorFacts {
  node: string;
  git: { major: number; minor: number; patch: number } | null;
  sandbox: SandboxProbe;
  ripgrep: string | null;
  socat: string | null;
  watches: { maxUserWatches: number | null; maxUserInstances: number | null };
}

const minimumNode = [22, 22];
/** Each worktree's watcher needs a kernel watch per folder; ten 4k-file worktrees used ~820. */
const comfortableWatches = 65_536;

/** The checks, as a pure function of what was found. */
export function doctorChecks(facts: DoctorFacts): Check[] {
  const [major = 0, minor = 0] = facts.node.split('.').map(Number);
  const nodeOk = major > minimumNode[0]! || (major === minimumNode[0] && minor >= minimumNode[1]!);
  const git = facts.git;
  const gitOk = git !== null && versionAtLeast(git, minimumGit);
  const watches = facts.watches.maxUserWatches;
  return [
    {
      name: 'node',
      ok: nodeOk,
      detail: `Node.js ${facts.node}`,
      required: true,
      fix: 'install Node.js 22.22+ or 24 LTS',
    },
    {
      name: 'git',
      ok: gitOk,
      detail: git === null ? 'git not found' : `git ${git.major}.${git.minor}.${git.patch}`,
      required: true,
      fix: `install git ${minimumGit.major}.${minimumGit.minor} or newer (in-memory merges need it)`,
    },
    facts.sandbox.ok
      ? { name: 'sandbox', ok: true, detail: `bubblewrap works (${facts.sandbox.bwrap})`, required: true }
      : {
          name: 'sandbox',
          ok: false,
          detail: `missing: ${facts.sandbox.missing}`,
          required: true,
          fix: `${facts.sandbox.fix}; or run agents unconfined with --no-sandbox / sandbox: "off"`,
        },
    {
      name: 'socat',
      ok: facts.socat !== null,
      detail:
        facts.socat === null
          ? 'socat not found: sandboxed agent CLIs and `sandboxHosts` cannot reach their hosts'
          : `socat (${facts.socat})`,
      required: false,
      fix: 'install socat: `sudo apt-get install socat` (Debian/Ubuntu), `sudo dnf install socat` (Fedora)',
    },
    {
      name: 'ripgrep',
      ok: facts.ripgrep !== null,
      detail:
        facts.ripgrep === null
          ? 'rg not found: the search tool falls back to a slower scan'
          : `rg (${facts.ripgrep})`,
      required: false,
      fix: 'install ripgrep: `sudo apt-get install ripgrep` (Debian/Ubuntu), `brew install ripgrep` (macOS)',
    },
    {
      name: 'file watches',
      ok: watches === null || watches >= comfortableWatches,
      detail:
        watches === null
          ? 'no inotify limits to read (not Linux)'
          : `fs.inotify.max_user_watches = ${watches}, max_user_instances = ${facts.watches.maxUserInstances ?? '?'}`,
      required: false,
      fix: `raise it for many agents: \`sudo sysctl -w fs.inotify.max_user_watches=${comfortableWatches * 8}\``,
    },
  ];
}

export function formatChecks(checks: readonly Check[]): string {
  return checks
    .map((check) => {
      const mark = check.ok ? 'ok     ' : check.required ? 'MISSING' : 'warn   ';
      const fix = !check.ok && check.fix ? `\n        fix: ${check.fix}` : '';
      return `${mark} ${check.name}: ${check.detail}${fix}`;
    })
    .join('\n');
}

async function readNumber(path: string): Promise<number | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  const value = text === null ? NaN : Number(text.trim());
  return Number.isFinite(value) ? value : null;
}

export async function gatherFacts(cwd: string): Promise<DoctorFacts> {
  const [git, sandbox, ripgrep, socat, maxUserWatches, maxUserInstances] = await Promise.all([
    gitVersion(cwd),
    probeSandbox(),
    findOnPath('rg'),
    findOnPath('socat'),
    readNumber('/proc/sys/fs/inotify/max_user_watches'),
    readNumber('/proc/sys/fs/inotify/max_user_instances'),
  ]);
  return {
    node: process.versions.node,
    git,
    sandbox,
    ripgrep,
    socat,
    watches: { maxUserWatches, maxUserInstances },
  };
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'check what maestro needs here (Node, git, the OS sandbox, socat, ripgrep, file watches) and how to fix it',
    )
    .action(async () => {
      const checks = doctorChecks(await gatherFacts(process.cwd()));
      process.stdout.write(`${formatChecks(checks)}\n`);
      if (checks.some((check) => check.required && !check.ok)) process.exitCode = 1;
    });
}
