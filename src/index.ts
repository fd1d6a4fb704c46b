// Public API of the package: what plugins and scripts may import.
export type { MaestroConfig } from './config/schema.js';
export type { RunEvent, RunEventBody, TaskState } from './events.js';
export type { Plan, Task } from './orchestrator/plan.js';
export { definePlugin } from './plugins/api.js';
export type {
  MaestroPlugin,
  TaskTemplate,
  PluginTool,
  PluginHooks,
  TemplateContext,
  ToolContext,
} from './plugins/api.js';
