import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve, isAbsolute } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MaestroError } from '../errors.js';
import type { MaestroConfig } from '../config/schema.js';
import type { TrustDecider } from '../config/trust.js';
import type { MaestroPlugin, TaskTemplate } from './api.js';
import type { PluginToolRef } from '../agent/tools/plugin-tools.js';
import { toolNames } from '../agent/tools/schemas.js';

const builtinToolNames = new Set<string>(toolNames);

/** A plugin that could not be loaded: the run does not start (exit 2). */
export class PluginError extends MaestroError {
  readonly plugin: string;
  constructor(plugin: string, message: string, cause?: unknown) {
    super(`plugin ${plugin}: ${message}`, { exitCode: 2, cause });
    this.plugin = plugin;
  }
}

export interface LoadedTemplate {
  template: TaskTemplate;
  /** Name of the plugin that defined it ('config' for team templates from the config file). */
  source: string;
}

export interface PluginSet {
  plugins: MaestroPlugin[];
  templates: Map<string, LoadedTemplate>;
  /** Tools for the built-in agent, with the module the agent's host imports to run each. */
  tools: PluginToolRef[];
}

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function');
const pluginShape = z.object({
  name: z.string().min(1),
  templates: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'template names are lowercase words joined by dashes'),
        description: z.string().min(1),
        defaultObjective: z.string().optional(),
        guidance: z.string().optional(),
        each: z.string().optional(),
        validate: z.array(z.string()).optional(),
        plan: fn.optional(),
      }),
    )
    .optional(),
  tools: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z][a-z0-9_]*$/),
        description: z.string(),
        parameters: z.record(z.string(), z.unknown()),
        handler: fn,
      }),
    )
    .optional(),
  hooks: z
    .strictObject({
      beforePlan: fn.optional(),
      afterPlan: fn.optional(),
      beforeTask: fn.optional(),
      afterTask: fn.optional(),
      afterMerge: fn.optional(),
      afterRun: fn.optional(),
    })
    .optional(),
});

/** Folder of the built-in plugins (`plugins/` at the package root, beside src/ and dist/). */
export const builtinPluginDir = fileURLToPath(new URL('../../plugins/', import.meta.url));

export interface LoadPluginsOptions {
  config: MaestroConfig;
  /** Folder that relative plugin paths are resolved from (the config file's folder or the repo root). */
  baseDir: string;
  /** Plugins from paths inside the repository run code from it: they need the same trust as a JS config. */
  trust: TrustDecider;
}

export async function loadPlugins(options: LoadPluginsOptions): Promise<PluginSet> {
  const entries: { label: string; url: string; needsTrust?: string }[] = [];
  for (const dir of (await readdir(builtinPluginDir, { withFileTypes: true })).filter(
    (d) => d.isDirectory() && !d.name.startsWith('_'),
  )) {
    entries.push({ label: dir.name, url: pathToFileURL(join(builtinPluginDir, dir.name, 'index.js')).href });
  }
  for (const spec of options.config.plugins) {
    entries.push(resolveSpec(spec, options.baseDir));
  }
  const plugins: MaestroPlugin[] = [];
  const tools: PluginToolRef[] = [];
  for (const entry of entries) {
    if (entry.needsTrust && !(await options.trust(entry.needsTrust))) {
      throw new PluginError(entry.label, 'runs code from this repository; pass --trust-config to allow it');
    }
    const plugin = await importPlugin(entry.label, entry.url);
    plugins.push(plugin);
    for (const tool of plugin.tools ?? []) {
      if (builtinToolNames.has(tool.name) || tools.some((t) => t.spec.name === tool.name)) {
        throw new PluginError(plugin.name, `defines tool "${tool.name}", which another tool already has`);
      }
      tools.push({
        module: entry.url,
        spec: { name: tool.name, description: tool.description, parameters: tool.parameters },
      });
    }
  }
  return { plugins, templates: collectTemplates(plugins, options.config), tools };
}

function resolveSpec(spec: string, baseDir: string): { label: string; url: string; needsTrust?: string } {
  if (spec.startsWith('.') || isAbsolute(spec)) {
    const file = resolve(baseDir, spec);
    return { label: spec, url: pathToFileURL(file).href, needsTrust: file };
  }
  try {
    const require = createRequire(join(baseDir, 'package.json'));
    return { label: spec, url: pathToFileURL(require.resolve(spec)).href };
  } catch (error) {
    throw new PluginError(
      spec,
      `cannot be found from ${baseDir}; install it (npm install -D ${spec}) or fix the name in "plugins"`,
      error,
    );
  }
}

async function importPlugin(label: string, url: string): Promise<MaestroPlugin> {
  let module: { default?: unknown; plugin?: unknown };
  try {
    module = (await import(url)) as { default?: unknown; plugin?: unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new PluginError(label, `failed to load: ${message}`, error);
  }
  const candidate = module.default ?? module.plugin;
  const parsed = pluginShape.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'its export';
    throw new PluginError(
      label,
      `does not export a valid plugin (${where}: ${issue?.message ?? 'invalid'}); use export default definePlugin({ name, ... })`,
    );
  }
  return candidate as MaestroPlugin;
}

function collectTemplates(plugins: MaestroPlugin[], config: MaestroConfig): Map<string, LoadedTemplate> {
  const templates = new Map<string, LoadedTemplate>();
  for (const plugin of plugins) {
    for (const template of plugin.templates ?? []) {
      const existing = templates.get(template.name);
      if (existing) {
        throw new PluginError(
          plugin.name,
          `defines template "${template.name}", already defined by plugin ${existing.source}`,
        );
      }
      templates.set(template.name, { template, source: plugin.name });
    }
  }
  // Team templates from the config deliberately override plugins' ones of the same name.
  for (const [name, value] of Object.entries(config.templates)) {
    templates.set(name, {
      source: 'config',
      template: {
        name,
        description: value.description,
        ...(value.guidance !== undefined && { guidance: value.guidance }),
        ...(value.each !== undefined && { each: value.each }),
        ...(value.validate !== undefined && { validate: value.validate }),
      },
    });
  }
  return templates;
}
