/** The one way to start a process for an agent: OS sandbox, own PID namespace, killed with the task. */
export { AgentSandbox, type SandboxSetup } from './sandbox.js';
export { runConfined, runForAgent, unconfinedSandbox, type Confiner, type Confinement } from './run.js';
export { probeSandbox, findOnPath, type SandboxProbe } from './probe.js';
export {
  buildPolicy,
  parseHostPort,
  hostOfUrl,
  type HostPort,
  type NetworkPolicy,
  type SandboxPolicy,
  type PolicyInput,
} from './policy.js';
export { bwrapArgv } from './bwrap.js';
export {
  runInGroup,
  killGroup,
  terminateGroup,
  type GroupRunOptions,
  type GroupRunResult,
} from './process-group.js';
