import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { externalAgentHosts } from './access.js';
import { readCodexSettings } from './codex-config.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function temp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'codex-config-'));
  dirs.push(dir);
  return dir;
}

const config = [
  'model = "gpt-5.6-sol"',
  'model_provider = "local"',
  '',
  '[model_providers.other]',
  'base_url = "http://127.0.0.1:1/v1"',
  '',
  '[model_providers.local]',
  'model = "not-the-top-level-one"',
  'base_url = "http://127.0.0.1:5555/v1"',
  '',
].join('\n');

describe('codex settings', () => {
  it('reads the top-level model and the chosen provider’s base URL, which the sandbox then admits', async () => {
    const home = await temp();
    await writeFile(join(home, 'config.toml'), config);
    const settings = await readCodexSettings({ CODEX_HOME: home });
    expect(settings).toEqual({ model: 'gpt-5.6-sol', baseUrl: 'http://127.0.0.1:5555/v1' });
    expect(externalAgentHosts('codex', {}, [settings.baseUrl!], [])).toEqual([
      { host: '127.0.0.1', port: 5555 },
    ]);
    expect(externalAgentHosts('codex', {}, [], [])).toEqual([{ host: 'api.openai.com', port: 443 }]);
  });

  it('gives nulls for a missing or broken config', async () => {
    const home = await temp();
    expect(await readCodexSettings({ CODEX_HOME: home })).toEqual({ model: null, baseUrl: null });
    await writeFile(join(home, 'config.toml'), 'model = \n[');
    expect(await readCodexSettings({ CODEX_HOME: home })).toEqual({ model: null, baseUrl: null });
  });
});
