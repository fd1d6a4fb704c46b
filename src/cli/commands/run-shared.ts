import { dirname } from 'node:path';
import type { RepoContext, GlobalOptions } from '../context.js';
import { repoCodeTrust } from '../context.js';
import type { LoadedConfig } from '../../config/load.js';
import type { MaestroConfig } from '../../config/schema.js';
import { loadPlugins } from '../../plugins/loader.js';
import type { MaestroPlugin, TaskTemplate } from '../../plugins/api.js';
import { createTemplateContext } from '../../plugins/template-context.js';
import type { PluginToolRef } from '../../agent/tools/plugin-tools.js';
import { createLlm, type Llm, type ProviderChoice, type ResolvedModel } from '../../llm/index.js';
import { checkModelPrice } from '../../llm/price-check.js';
import { planSchema, type Plan } from '../../orchestrator/plan.js';
import { obtainPlan, type ObtainedPlan } from '../../orchestrator/plan-source.js';
import type { Journal } from '../../orchestrator/journal.js';
import { createJsonReporter, createLineReporter } from '../reporters/lines.js';
import { UsageError } from '../../errors.js';
import { PlanValidationError } from '../../orchestrator/plan-validate.js';

/** Flags shared by `maestro run` and `maestro plan`. */
export interface PlanFlags {
  task?: string;
  agents?: string;
  model?: string;
  provider?: string;
  template?: string;
  each?: string;
  plan?: string;
  serializeOverlaps?: boolean;
}

export function parseAgents(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UsageError(`--agents ${value}: give a whole number from 1 to 64.`);
  return n;
}

export function parseBudget(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/^\$/, ''));
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--budget ${value}: give a positive amount in dollars, e.g. --budget 5.`);
  return n;
}

const providers = ['auto', 'openai', 'anthropic', 'ollama'];

export function parseProvider(value: string | undefined): ProviderChoice | undefined {
  if (value === undefined) return undefined;
  if (!providers.includes(value))
    throw new UsageError(`--provider ${value}: use one of ${providers.join(', ')}.`);
  return value as ProviderChoice;
}

export interface ModelSetup {
  llm: Llm;
  resolved: ResolvedModel;
}

/**
 * The run's one LLM service; checks the model's provider, key and price before anything starts
 * (a model outside the catalog: one warning line; unpriced under a budget: exit 2).
 */
export function prepareModel(config: MaestroConfig, flags: PlanFlags): ModelSetup {
  const llm = createLlm({ config, env: process.env, provider: parseProvider(flags.provider) });
  const resolved = llm.prepare(flags.model ?? config.defaultModel);
  const warning = checkModelPrice(resolved, config);
  if (warning) process.stderr.write(`${warning}\n`);
  return { llm, resolved };
}

/** The plugins (for their hooks) and the `--template` named, from built-ins, plugins and team templates. */
export async function loadRunPlugins(
  name: string | undefined,
  repo: RepoContext,
  loaded: LoadedConfig,
  globals: GlobalOptions,
): Promise<{ plugins: MaestroPlugin[]; tools: PluginToolRef[]; template: TaskTemplate | undefined }> {
  const set = await loadPlugins({
    config: loaded.config,
    baseDir: loaded.filepath ? dirname(loaded.filepath) : repo.root,
    trust: repoCodeTrust(globals),
  });
  if (name === undefined) return { plugins: set.plugins, tools: set.tools, template: undefined };
  const found = set.templates.get(name);
  if (!found) throw new UsageError(`no template named ${name}; list them with \`maestro templates\`.`);
  return { plugins: set.plugins, tools: set.tools, template: found.template };
}

/** Plan from --plan, --each, a template, or the model. Needs `model` only when the model plans. */
export async function planFromFlags(
  repo: RepoContext,
  config: MaestroConfig,
  flags: PlanFlags,
  template: TaskTemplate | undefined,
  model: () => ModelSetup,
  maxAgents: number,
): Promise<ObtainedPlan> {
  const objective = flags.task ?? template?.defaultObjective;
  if (template?.plan && flags.plan === undefined && flags.each === undefined) {
    const draft = await template.plan(await createTemplateContext(repo.root, config, objective ?? ''));
    if (draft === null)
      throw new UsageError(`template ${template.name} found nothing to do in this repository.`);
    return {
      plan: planSchema.parse({ objective: objective ?? '', tasks: draft.tasks }) as Plan,
      source: 'template',
    };
  }
  const each = flags.each ?? (flags.plan === undefined ? template?.each : undefined);
  const needsModel = flags.plan === undefined && each === undefined;
  const setup = needsModel ? model() : undefined;
  return obtainPlan({
    repo: repo.root,
    config,
    objective,
    planFile: flags.plan,
    each,
    guidance: template?.guidance,
    maxAgents,
    model: setup && {
      name: setup.resolved.name,
      planner: { stream: (request) => setup.llm.stream(request, { taskId: 'planner' }) },
    },
  });
}

/** Headless progress: lines (default) or NDJSON (`--json`), on stdout. */
export function attachReporter(journal: Journal, json: boolean): void {
  const write = (text: string): void => void process.stdout.write(text);
  journal.subscribe(json ? createJsonReporter(write) : createLineReporter(write));
}

/** First Ctrl-C: stop gracefully (agents commit their work); a second one exits at once. */
export function interruptController(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let count = 0;
  const onSigint = (): void => {
    count += 1;
    if (count === 1) {
      process.stderr.write('\nstopping: agents are committing their work (Ctrl-C again to quit now)\n');
      controller.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    },
  };
}

/** The model's rejected plan goes to stderr before the one-line error, so the user can fix and reuse it. */
export function printRejectedPlan(error: unknown): never {
  if (error instanceof PlanValidationError && error.planText) {
    process.stderr.write(`The plan the model sent:\n${error.planText}\n`);
  }
  throw error;
}
