import { cosmiconfig, type Loader } from 'cosmiconfig';
import { readFile, realpath } from 'node:fs/promises';
import { basename, relative, isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.js';
import { configSchema, type MaestroConfig } from './schema.js';
import { parseJsonWithPosition, parseYamlWithPosition, findKeyPosition } from './positions.js';
import { describeIssue } from './issues.js';
import type { TrustDecider } from './trust.js';
import { securitySettings } from './security-keys.js';

export const searchPlaces = [
  'package.json',
  '.maestrorc',
  '.maestrorc.json',
  '.maestrorc.yaml',
  '.maestrorc.yml',
  'maestro.config.json',
  'maestro.config.js',
  'maestro.config.mjs',
  'maestro.config.ts',
];

export interface LoadConfigOptions {
  /** Where the search starts (usually the current directory). */
  cwd: string;
  /** The search stops here (the repository root). */
  stopDir: string;
  /** Decides whether a JS/TS config from the repository may run, or its data settings apply. */
  trust: TrustDecider;
  /** An explicit config file (`--config`), skipping the search. */
  file?: string;
}

export interface LoadedConfig {
  config: MaestroConfig;
  /** The file it came from, or null when the defaults apply. */
  filepath: string | null;
}

/** Find, parse and validate the configuration. Any problem is a ConfigError (exit 2); nothing runs. */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const display = (file: string): string => displayPath(file, options.cwd);
  const loadCode: Loader = async (filepath) => {
    if (!(await options.trust(filepath))) {
      throw new ConfigError(
        `${basename(filepath)} runs code from this repository; pass --trust-config to allow it, or use .maestrorc.json`,
        { file: display(filepath) },
      );
    }
    const module = (await import(pathToFileURL(filepath).href)) as { default?: unknown };
    return module.default ?? module;
  };
  const loadData: Loader = (filepath, content) => {
    const parsed = filepath.endsWith('.json')
      ? parseJsonWithPosition(content)
      : parseYamlWithPosition(content);
    if ('error' in parsed)
      throw new ConfigError(parsed.error, { file: display(filepath), ...parsed.position });
    // For package.json cosmiconfig itself picks the "maestro" property out of what we return.
    if (parsed.value === null || parsed.value === undefined) {
      throw new ConfigError(
        'the configuration is empty (null): write {} for the defaults, or remove the file',
        {
          file: display(filepath),
        },
      );
    }
    return parsed.value;
  };
  const explorer = cosmiconfig('maestro', {
    searchPlaces,
    searchStrategy: 'global',
    // An empty config file is a mistake to report, not a file to skip silently.
    ignoreEmptySearchPlaces: false,
    stopDir: options.stopDir,
    cache: false,
    loaders: {
      '.json': loadData,
      '.yaml': loadData,
      '.yml': loadData,
      noExt: loadData,
      '.js': loadCode,
      '.mjs': loadCode,
      '.ts': loadCode,
    },
  });
  const result = options.file
    ? await explorer.load(options.file).catch((error: unknown) => {
        throw unreadable(options.file as string, error);
      })
    : await explorer.search(options.cwd);
  if (result?.isEmpty) {
    throw new ConfigError('the file is empty: write {} for the defaults, or remove it', {
      file: display(result.filepath),
    });
  }
  if (!result || result.config === null || result.config === undefined) {
    return { config: configSchema.parse({}), filepath: result?.filepath ?? null };
  }
  const config = await validate(result.config, result.filepath, display);
  if (!isCode(result.filepath)) await checkSettingsTrust(result.config, result.filepath, options, display);
  return { config, filepath: result.filepath };
}

const isCode = (filepath: string): boolean => /\.(m?js|ts)$/.test(filepath);

/** The security-relevant settings of a data config inside the repository need trust (see security-keys). */
async function checkSettingsTrust(
  raw: unknown,
  filepath: string,
  options: LoadConfigOptions,
  display: (file: string) => string,
): Promise<void> {
  const settings = securitySettings(raw);
  const keys = Object.keys(settings);
  if (keys.length === 0 || !(await isInside(filepath, options.stopDir))) return;
  const subject = { what: `sets ${keys.join(', ')}`, content: JSON.stringify(settings) };
  if (await options.trust(await realpath(filepath), subject)) return;
  throw new ConfigError(
    `${subject.what}, which run programs or receive your API keys; review them, then pass --trust-config once (kept until they change)`,
    { file: display(filepath) },
  );
}

async function isInside(file: string, dir: string): Promise<boolean> {
  const [realFile, realDir] = await Promise.all([realpath(file), realpath(dir)]);
  const rel = relative(realDir, realFile);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

async function validate(
  raw: unknown,
  filepath: string,
  display: (file: string) => string,
): Promise<MaestroConfig> {
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) throw new ConfigError('invalid configuration', { file: display(filepath) });
  const described = describeIssue(issue);
  const isData = /\.(json|ya?ml)$|\.maestrorc$/.test(filepath);
  let position: { line: number; column: number } | undefined;
  if (isData) {
    const text = await readFile(filepath, 'utf8');
    const prefix = basename(filepath) === 'package.json' ? ['maestro'] : [];
    position = findKeyPosition(text, [...prefix, ...described.path]);
  }
  throw new ConfigError(described.message, { file: display(filepath), ...position });
}

/** `--config` naming a missing file or a folder: one line, not a stack trace. */
function unreadable(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new ConfigError('--config: no such file; check the path', { file });
  if (code === 'EISDIR') return new ConfigError('--config names a folder; pass a config file', { file });
  if (code === 'EACCES')
    return new ConfigError('--config: the file cannot be read (permission denied)', { file });
  return error;
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
