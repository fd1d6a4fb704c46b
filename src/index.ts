// Public API of the package: what plugins and scripts may import.
export type { MaestroConfig } from './config/schema.js';
export type { RunEvent, RunEventBody, TaskState } from './orchestrator/events.js';
export type { Plan, Task } from './orchestrator/plan.js';
