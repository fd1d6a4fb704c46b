import type { CollectSpec, Collected } from './collect.js';
import type { DetachedSpec } from './detached.js';

/**
 * Orchestrator → spawn host: run a program to completion (`run`), end one (`abort`), or start a
 * detached one whose events stream back (`start`; it is signalled by its process group, not here).
 */
export type ToSpawnHost =
  | { kind: 'run'; id: number; spec: CollectSpec }
  | { kind: 'abort'; id: number }
  | { kind: 'start'; id: number; spec: DetachedSpec };

/** One event of a detached program (see `DetachedEvents`). */
export type DetachedEvent =
  | { kind: 'spawned'; pid: number }
  | { kind: 'output'; chunk: string; stream: 'stdout' | 'stderr' }
  | { kind: 'exited' | 'ended'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'failed'; message: string };

/** Spawn host → orchestrator: how a run ended, or what a detached program did. */
export type FromSpawnHost = { id: number; result: Collected } | { id: number; detached: DetachedEvent };
