import type { Plan } from './plan.js';
import { loadPlanFile } from './plan-file.js';
import { fanOutEach } from './plan-each.js';
import { planWithModel, type PlannerModel } from './planner.js';
import type { Usage } from '../llm/types.js';
import type { MaestroConfig } from '../config/schema.js';
import { buildRepoOverview } from '../agent/index.js';
import { readCodingStandards } from '../agent/context/prompt.js';
import { UsageError } from '../errors.js';

export interface PlanRequest {
  repo: string;
  config: MaestroConfig;
  /** `--task`. */
  objective?: string;
  /** `--plan FILE`. */
  planFile?: string;
  /** `--each GLOB` (or a template's `each`). */
  each?: string;
  /** Guidance of the chosen template, given to the planner. */
  guidance?: string;
  /** Needed only when the model plans. */
  model?: { planner: PlannerModel; name: string };
  maxAgents: number;
  signal?: AbortSignal;
}

export interface ObtainedPlan {
  plan: Plan;
  source: 'llm' | 'file' | 'each' | 'template';
  usage?: Usage;
  costUsd?: number;
}

/** The plan of a run: from a file, a per-file fan-out, or the model (in that order of precedence). */
export async function obtainPlan(request: PlanRequest): Promise<ObtainedPlan> {
  if (request.planFile !== undefined && request.each !== undefined) {
    throw new UsageError('--plan and --each both say what to run; pass only one of them.');
  }
  if (request.planFile !== undefined) {
    const plan = await loadPlanFile(request.planFile);
    return { plan: request.objective ? { ...plan, objective: request.objective } : plan, source: 'file' };
  }
  const objective = request.objective?.trim();
  if (!objective) throw new UsageError('say what to do with --task "<objective>" (or pass --plan FILE).');
  if (request.each !== undefined) {
    const plan = await fanOutEach(request.repo, {
      glob: request.each,
      objective,
      excludePaths: request.config.excludePaths,
    });
    return { plan, source: 'each' };
  }
  if (!request.model) throw new UsageError('planning needs a model; pass --model or set defaultModel.');
  const result = await planWithModel(request.model.planner, {
    objective,
    model: request.model.name,
    repoOverview: await buildRepoOverview(request.repo, request.config.excludePaths),
    codingStandards: await readCodingStandards(request.repo, request.config.codingStandards),
    excludePaths: request.config.excludePaths,
    maxAgents: request.maxAgents,
    guidance: request.guidance,
    signal: request.signal,
  });
  return { plan: result.plan, source: 'llm', usage: result.usage, costUsd: result.costUsd };
}
