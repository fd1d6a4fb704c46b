import { MaestroError } from '../errors.js';
import type { MaestroPlugin, PluginHooks, HookName } from './api.js';

/** A plugin hook threw: it fails the task (or step) it ran for, naming the plugin. */
export class HookError extends MaestroError {
  readonly plugin: string;
  readonly hook: HookName;
  constructor(plugin: string, hook: HookName, cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super(`plugin ${plugin}: ${hook} hook failed: ${message}`, { cause });
    this.plugin = plugin;
    this.hook = hook;
  }
}

type HookInput<N extends HookName> = Parameters<NonNullable<PluginHooks[N]>>[0];

/** Run one hook of every plugin in load order. Throws HookError for the first that fails. */
export async function runHooks<N extends Exclude<HookName, 'afterPlan'>>(
  plugins: readonly MaestroPlugin[],
  name: N,
  input: HookInput<N>,
): Promise<void> {
  for (const plugin of plugins) {
    const hook = plugin.hooks?.[name] as ((value: HookInput<N>) => unknown) | undefined;
    if (!hook) continue;
    try {
      await hook(input);
    } catch (error) {
      throw new HookError(plugin.name, name, error);
    }
  }
}

/** `afterPlan` hooks may each return a changed plan, passed on to the next. */
export async function runAfterPlan(
  plugins: readonly MaestroPlugin[],
  input: HookInput<'afterPlan'>,
): Promise<HookInput<'afterPlan'>['plan']> {
  let plan = input.plan;
  for (const plugin of plugins) {
    const hook = plugin.hooks?.afterPlan;
    if (!hook) continue;
    try {
      plan = (await hook({ runId: input.runId, plan })) ?? plan;
    } catch (error) {
      throw new HookError(plugin.name, 'afterPlan', error);
    }
  }
  return plan;
}
