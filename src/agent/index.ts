/** The agent layer's public surface: what the orchestrator wires. */
export {
  startAgent,
  taskBudgetCheck,
  type AgentHandle,
  type AgentLlm,
  type StartAgentOptions,
} from './runner.js';
export { runBuiltinAgent, type BuiltinAgentOptions, type TurnStreamer } from './builtin.js';
export type { AgentEmit, AgentEventBody, AgentOutcome, AgentStatus } from './events.js';
export { SharedMemory, formatFindings, type Finding, type FindingInput } from './shared-memory.js';
export { PauseGate } from './pause-gate.js';
export { whenUsable, type AgentWorkspace } from './workspace.js';
export {
  agentSystemPrompt,
  buildSharedPrefix,
  buildTaskMessage,
  renderPromptText,
  type DependencyReport,
  type TaskContext,
} from './context/prompt.js';
export { buildRepoOverview } from './context/overview.js';
export { scrubEnv, isSecretEnvName } from './env.js';
export { PathGuard, PathRefused } from './path-guard.js';
export { startToolHost, type ToolHost, type StartHostOptions } from './host/client.js';
export { allowedCommands, matchAllowed, testRunnerCommand } from './tools/commands.js';
export { buildToolSpecs } from './tools/schemas.js';
export { runExternalAgent, ExternalControl, type ExternalAgentOptions } from './external/run.js';
export {
  externalCommand,
  credentialEnv,
  presetCredentials,
  type ExternalAgentSetting,
} from './external/presets.js';
export { renderExternalPrompt, externalAgentPrompt } from './external/prompt.js';
export type { MemoryMcpServer, MemoryAgent, MemoryRegistration } from './mcp/memory-server.js';
export { startMemoryServer } from './mcp/start.js';
export {
  runInGroup,
  terminateGroup,
  killGroup,
  type GroupRunOptions,
  type GroupRunResult,
} from '../sandbox/process-group.js';
