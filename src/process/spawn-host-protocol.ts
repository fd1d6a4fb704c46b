import type { CollectSpec, Collected } from './collect.js';

/** Orchestrator → spawn host: run a program to completion, or end one that runs. */
export type ToSpawnHost = { kind: 'run'; id: number; spec: CollectSpec } | { kind: 'abort'; id: number };

/** Spawn host → orchestrator: how a run ended. */
export interface FromSpawnHost {
  id: number;
  result: Collected;
}
