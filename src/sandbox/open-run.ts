import type { MaestroConfig } from '../config/schema.js';
import { MaestroError } from '../errors.js';
import { AgentSandbox } from './sandbox.js';
import { parseHostPort, type HostPort } from './policy.js';
import { probeSandbox, type SandboxProbe } from './probe.js';
import { unconfinedSandbox, type Confiner } from './run.js';

/** The run's sandbox and how to say what it is. */
export interface RunSandbox {
  confiner: Confiner;
  confinement: 'sandboxed' | 'unconfined';
  /** One line for the start of the run when agents run unconfined. */
  notice: string | null;
  hosts: HostPort[];
}

/**
 * Decide how agents' processes run: in bubblewrap when it works here; unconfined only when the
 * user said so (`sandbox: "off"`, `--no-sandbox`). Without a working sandbox and without that
 * choice, the run does not start: the error says what is missing and how to get it.
 */
export async function openRunSandbox(
  config: MaestroConfig,
  flagSandbox: boolean | undefined,
  repo: { root: string; commonDir: string },
  worktreeRoot: string,
  probe: () => Promise<SandboxProbe> = () => probeSandbox(),
): Promise<RunSandbox> {
  const hosts = config.sandboxHosts.map((entry) => parseHostPort(entry)!);
  if (flagSandbox === false || config.sandbox === 'off') {
    const why = flagSandbox === false ? '--no-sandbox' : 'sandbox: "off" in the config';
    return {
      confiner: unconfinedSandbox(),
      confinement: 'unconfined',
      notice: `maestro: sandbox off (${why}): agent commands, validation, hooks and agent CLIs run unconfined, with your permissions`,
      hosts,
    };
  }
  const found = await probe();
  if (!found.ok) {
    throw new MaestroError(
      `no OS sandbox for the agents: ${found.missing}. ${capitalise(found.fix)}; or run them unconfined with --no-sandbox (or sandbox: "off"). \`maestro doctor\` checks everything.`,
    );
  }
  const confiner = new AgentSandbox({
    bwrap: found.bwrap,
    repo: repo.root,
    gitCommonDir: repo.commonDir,
    worktreeRoot,
    dependencyDirs: [...new Set(config.linkDependencies.map((rule) => rule.dir))],
    commandHosts: hosts,
  });
  return { confiner, confinement: 'sandboxed', notice: null, hosts };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
