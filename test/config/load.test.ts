import { describe, expect, it } from 'vitest';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { createTrustDecider, type TrustDecider } from '../../src/config/trust.js';
import { configSchema } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir, writeFiles } from '../helpers/repo.js';

const neverTrust: TrustDecider = () => Promise.resolve(false);
const alwaysTrust: TrustDecider = () => Promise.resolve(true);

async function load(files: Record<string, string>, trust: TrustDecider = neverTrust, sub = '') {
  const root = await tempDir();
  await writeFiles(root, files);
  const cwd = join(root, sub);
  await mkdir(cwd, { recursive: true });
  return { root, result: await loadConfig({ cwd, stopDir: root, trust }) };
}

async function loadError(
  files: Record<string, string>,
  trust: TrustDecider = neverTrust,
): Promise<ConfigError> {
  const root = await tempDir();
  await writeFiles(root, files);
  const error = await loadConfig({ cwd: root, stopDir: root, trust }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).exitCode).toBe(2);
  return error as ConfigError;
}

describe('config search places', () => {
  const cases: [string, string][] = [
    ['.maestrorc', 'maxAgents: 7\n'],
    ['.maestrorc', '{"maxAgents": 7}'],
    ['.maestrorc.json', '{"maxAgents": 7}'],
    ['.maestrorc.yaml', 'maxAgents: 7\n'],
    ['.maestrorc.yml', 'maxAgents: 7\n'],
    ['maestro.config.json', '{"maxAgents": 7}'],
    ['package.json', '{"name": "x", "maestro": {"maxAgents": 7}}'],
  ];
  it.each(cases)('reads %s', async (file, content) => {
    const { root, result } = await load({ [file]: content });
    expect(result.filepath).toBe(join(root, file));
    expect(result.config.maxAgents).toBe(7);
    expect(result.config.defaultModel).toBe('gpt-6.2-sol');
  });

  it.each(['maestro.config.js', 'maestro.config.mjs'])('runs %s only when trusted', async (file) => {
    const { result } = await load({ [file]: 'export default { maxAgents: 9 };\n' }, alwaysTrust);
    expect(result.config.maxAgents).toBe(9);
  });

  it('runs maestro.config.ts when trusted (Node type stripping)', async () => {
    const { result } = await load(
      { 'maestro.config.ts': 'const agents: number = 11;\nexport default { maxAgents: agents };\n' },
      alwaysTrust,
    );
    expect(result.config.maxAgents).toBe(11);
  });

  it('finds the config from a subfolder, up to the repository root', async () => {
    const { result } = await load({ '.maestrorc.json': '{"maxAgents": 5}' }, neverTrust, 'src/deep');
    expect(result.config.maxAgents).toBe(5);
  });

  it('prefers .maestrorc.json over maestro.config.json in the same folder', async () => {
    const { result } = await load({
      '.maestrorc.json': '{"maxAgents": 2}',
      'maestro.config.json': '{"maxAgents": 3}',
    });
    expect(result.config.maxAgents).toBe(2);
  });

  it('uses every default when nothing is found', async () => {
    const { result } = await load({ 'README.md': 'x' });
    expect(result.filepath).toBeNull();
    expect(result.config).toEqual(configSchema.parse({}));
  });

  it('ignores a package.json without a maestro key', async () => {
    const { result } = await load({ 'package.json': '{"name": "x"}', '.maestrorc.yml': 'maxAgents: 6\n' });
    expect(result.config.maxAgents).toBe(6);
  });
});

describe('config errors', () => {
  it('JSON syntax error: file:line:column', async () => {
    const error = await loadError({
      '.maestrorc.json': '{\n  "maxAgents": 3,\n  "budget": {"runUsd": 1,}\n}\n',
    });
    expect(error.message).toBe('.maestrorc.json:3:26: invalid JSON: Expected double-quoted property name');
    expect([error.line, error.column]).toEqual([3, 26]);
  });

  it('YAML syntax error: file:line:column', async () => {
    const error = await loadError({ '.maestrorc.yaml': 'maxAgents: 3\nvalidate: [npm test\n' });
    expect(error.message).toMatch(/^\.maestrorc\.yaml:\d+:\d+: invalid YAML: /);
    expect(error.line).toBeGreaterThanOrEqual(2);
  });

  it('wrong type names the key path, what was expected and where', async () => {
    const error = await loadError({ '.maestrorc.json': '{\n  "budget": {\n    "runUsd": "ten"\n  }\n}\n' });
    expect(error.message).toBe('.maestrorc.json:3:5: budget.runUsd: expected number, got the string "ten"');
  });

  it('unknown key suggests the closest one', async () => {
    const error = await loadError({ '.maestrorc.yml': 'maxAgents: 2\nmaxAgent: 3\n' });
    expect(error.message).toBe('.maestrorc.yml:2:1: unknown key "maxAgent"; did you mean "maxAgents"?');
  });

  it('unknown nested key names its full path', async () => {
    const error = await loadError({ '.maestrorc.json': '{"budget": {"perRun": 3}}' });
    expect(error.message).toBe(
      '.maestrorc.json:1:13: unknown key "budget.perRun"; known keys: runUsd, taskUsd',
    );
  });

  it('enum value lists the allowed ones', async () => {
    const error = await loadError({ '.maestrorc.json': '{"provider": "gemini"}' });
    expect(error.message).toBe(
      '.maestrorc.json:1:2: provider: expected one of "auto", "openai", "anthropic", "ollama"',
    );
  });

  it('agent union explains its forms', async () => {
    const error = await loadError({ '.maestrorc.json': '{"agent": "cursor"}' });
    expect(error.message).toContain('agent: expected "builtin", one of "claude"');
  });

  it('package.json#maestro errors point into package.json', async () => {
    const error = await loadError({
      'package.json': '{\n  "name": "x",\n  "maestro": {"maxAgents": 0}\n}\n',
    });
    expect(error.message).toMatch(/^package\.json:3:15: maxAgents: /);
  });

  it('an untrusted JS config is not executed and the error says how to allow it', async () => {
    const root = await tempDir();
    const marker = join(root, 'ran.txt');
    await writeFiles(root, {
      'maestro.config.mjs': `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default {};\n`,
    });
    const error = await loadConfig({ cwd: root, stopDir: root, trust: neverTrust }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'maestro.config.mjs: maestro.config.mjs runs code from this repository; pass --trust-config to allow it, or use .maestrorc.json',
    );
    await expect(readFile(marker, 'utf8')).rejects.toThrow(/ENOENT/);
  });
});

describe('trust store', () => {
  it('remembers a trusted file by content and asks again when it changes', async () => {
    const root = await tempDir();
    const store = join(root, 'trust.json');
    await writeFiles(root, { 'maestro.config.mjs': 'export default {};\n' });
    const file = join(root, 'maestro.config.mjs');
    expect(await createTrustDecider({ trustFlag: false, storeFile: store, interactive: false })(file)).toBe(
      false,
    );
    expect(await createTrustDecider({ trustFlag: true, storeFile: store, interactive: false })(file)).toBe(
      true,
    );
    expect(await createTrustDecider({ trustFlag: false, storeFile: store, interactive: false })(file)).toBe(
      true,
    );
    await writeFiles(root, { 'maestro.config.mjs': 'export default { maxAgents: 2 };\n' });
    expect(await createTrustDecider({ trustFlag: false, storeFile: store, interactive: false })(file)).toBe(
      false,
    );
  });
});

describe('.maestrorc.example', () => {
  it('parses, validates, and documents every top-level key of the schema', async () => {
    const text = await readFile(new URL('../../.maestrorc.example', import.meta.url), 'utf8');
    const value = parseYaml(text) as Record<string, unknown>;
    expect(configSchema.safeParse(value).success).toBe(true);
    const keys = Object.keys(configSchema.shape);
    expect(Object.keys(value).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      const line = text.split('\n').findIndex((l) => l.startsWith(`${key}:`));
      const documented =
        /\s#\s/.test(text.split('\n')[line] ?? '') || /^#/.test(text.split('\n')[line - 1] ?? '');
      expect(documented, `a comment on or above ${key}`).toBe(true);
    }
  });
});
