import { realpath } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gitLine } from '../../src/git/runner.js';
import { AgentSandbox } from '../../src/sandbox/sandbox.js';
import { probeSandbox } from '../../src/sandbox/probe.js';

/**
 * The real OS sandbox for a test repository, as a run builds it: tests run agent-side programs
 * confined, as users do. Fails loudly where bubblewrap cannot start (.ci/run installs it).
 */
export async function realSandbox(
  worktreeOrRepo: string,
  worktreeRoot?: string,
  commandHosts: { host: string; port: number }[] = [],
): Promise<AgentSandbox> {
  const probe = await probeSandbox();
  if (!probe.ok) throw new Error(`the tests need bubblewrap: ${probe.missing}; ${probe.fix}`);
  const common = await gitLine(['rev-parse', '--path-format=absolute', '--git-common-dir'], {
    cwd: worktreeOrRepo,
  });
  const repo = dirname(await realpath(common));
  return new AgentSandbox({
    bwrap: probe.bwrap,
    repo,
    gitCommonDir: common,
    worktreeRoot: worktreeRoot ?? dirname(await realpath(worktreeOrRepo)),
    dependencyDirs: ['node_modules'],
    commandHosts,
  });
}
