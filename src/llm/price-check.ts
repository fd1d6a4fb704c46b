import { MaestroError } from '../errors.js';
import type { MaestroConfig } from '../config/schema.js';
import { findModel } from './catalog.js';
import { configuredPrice } from './pricing.js';
import type { ResolvedModel } from './resolve.js';

/**
 * Run-start check of the model a run uses. A model outside the catalog gets one warning line
 * (returned); with a budget set and no price for it in the config, the run must not start, or the
 * budget would silently never trip (MaestroError, exit 2).
 */
export function checkModelPrice(
  resolved: ResolvedModel,
  config: Pick<MaestroConfig, 'budget' | 'pricing'>,
): string | undefined {
  if (findModel(resolved.model, resolved.provider)) return undefined;
  const priced = configuredPrice(resolved.name, config.pricing) !== undefined;
  const local = resolved.provider === 'ollama';
  const budgeted = config.budget.runUsd !== null || config.budget.taskUsd !== null;
  if (budgeted && !priced && !local) {
    throw new MaestroError(
      `model ${resolved.model} is not in maestro's model catalog and has no price, so the budget cannot be kept; give it one under "pricing" in the config (e.g. "pricing": {"${resolved.model}": {"input": 2, "output": 10}}, dollars per million tokens) or remove the budget`,
      { exitCode: 2 },
    );
  }
  const cost = priced ? 'priced from the config' : local ? 'local, counted as free' : 'its cost counts as $0';
  return `warning: model ${resolved.model} is not in maestro's model catalog (context window and limits unknown; ${cost})`;
}
